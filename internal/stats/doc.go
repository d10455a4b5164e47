// Package stats turns the events prenv recorded (internal/events) into one
// Report for a project and a window of time: environments created, live
// and their hours; provisioning time from the start of an up to a live
// URL; the success of ups and teardowns; environments that outlived their
// TTL; and their cost at the blueprint's finops.rates. The text table, the
// JSON object and the Markdown with mermaid charts are all rendered from
// the same Report.
//
//	evs, unreadable, err := events.Log{URL: backend}.Since(ctx, "shop", since)
//	r := stats.Compute(evs, stats.Options{Project: "shop", Since: since, Now: time.Now(), Rates: bp.FinOps.Rates, Unreadable: unreadable})
//	r.WriteText(os.Stdout)
//
// The method, which README's "Stats and cost" section documents for users:
//
//   - An environment is up from the start of the up that created it (an
//     event marked First) until the end of the teardown (destroy or reap)
//     that succeeded. One first seen in the window by anything else (an
//     update, a refresh, a teardown that deleted resources) was up when the
//     window began. A failed up brings nothing up. Environment-hours are
//     these spans within the window, split by UTC day.
//   - Provisioning time is, for each up that succeeded, the time from its
//     start until its URL answered when it waited for it, else until it
//     ended; first ups and updates apart. Percentiles are nearest-rank:
//     the p-th of n sorted values is the ceil(p/100*n)-th.
//   - A success rate is the operations that ended ok over all of that kind
//     recorded: ups; teardowns (destroys and reaps), whose success means
//     nothing of the environment was left behind.
//   - An environment outlived its TTL by the time from its last known
//     expiry until its teardown ended, or until now while it is up. The
//     baseline has no TTL.
//   - Cost: each hour an environment is up costs environment-hour, plus
//     vcpu-hour per vCPU and gib-hour per GiB its containers request, plus
//     database-hour of its database's instance class, at the footprint its
//     latest up recorded (its first one's, for the hours before it). No
//     other number enters the cost. Sums are kept to six decimals.
package stats
