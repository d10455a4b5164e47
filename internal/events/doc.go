// Package events records what prenv did to each environment, one Event
// per operation, in the state backend beside the engine's state, and
// reads them back for prenv stats.
//
// A Recorder wraps an automation.Engine: each Up, Refresh and Destroy of
// an environment (pr-<n> or baseline) through it writes an Event with the
// environment, engine, target, kind, start, end, result (ok, failed,
// cancelled, locked), resource changes, what the environment runs (its
// Footprint, on up), its expiry, what triggered it and the GitHub Actions
// run. An event holds no output value and no error text. Writing one
// never fails the operation: a write that fails is one warning.
// internal/session builds the Recorder for every session, so the CLI, the
// Action and the reaper all pass through it.
//
//	rec := &events.Recorder{Store: events.Log{URL: "s3://team-state"}, Engine: "pulumi", Target: "aws", Trigger: events.TriggerCLI}
//	eng = rec.Wrap(eng)
//	res, err := eng.Up(ctx, env) // and an event under .prenv/events/<project>/<day>/
//
//	evs, unreadable, err := events.Log{URL: "s3://team-state"}.Since(ctx, "shop", time.Now().AddDate(0, 0, -30))
package events
