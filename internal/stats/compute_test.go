package stats_test

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/prenv/prenv/internal/events"
	"github.com/prenv/prenv/internal/naming"
	"github.com/prenv/prenv/internal/stats"
	"github.com/prenv/prenv/stacks"
)

// at is a time of March 2026, UTC.
func at(day, hour, minute int) time.Time {
	return time.Date(2026, 3, day, hour, minute, 0, 0, time.UTC)
}

var (
	since = at(1, 0, 0)
	now   = at(3, 12, 0)
	rates = stacks.Rates{EnvironmentHour: 0.1, VCPUHour: 0.04, GiBHour: 0.005, DatabaseHour: map[string]float64{"db.t4g.micro": 0.02}}
	small = &stacks.Footprint{DatabaseClass: "db.t4g.micro", VCPU: 1, MemoryGiB: 2} // 0.17 an hour
	large = &stacks.Footprint{DatabaseClass: "db.t4g.micro", VCPU: 2, MemoryGiB: 2} // 0.21 an hour
	half  = &stacks.Footprint{VCPU: 0.5, MemoryGiB: 1}                              // 0.125 an hour
)

// ev is one event of project shop.
func ev(env string, kind events.Kind, result events.Result, start, end time.Time, more ...func(*events.Event)) events.Event {
	e := events.Event{Version: events.Version, Project: "shop", Env: env, Kind: kind, Result: result, Start: start, End: end, Trigger: events.TriggerCLI}
	e.PR, _ = naming.PRFromEnv(env)
	for _, m := range more {
		m(&e)
	}
	return e
}

func first(e *events.Event)                      { e.First = true }
func fp(f *stacks.Footprint) func(*events.Event) { return func(e *events.Event) { e.Footprint = f } }
func expires(t time.Time) func(*events.Event)    { return func(e *events.Event) { e.ExpiresAt = t } }
func urlAfter(d time.Duration) func(*events.Event) {
	return func(e *events.Event) { e.URLReady = events.Seconds(d) }
}
func deleted(n int) func(*events.Event) {
	return func(e *events.Event) { e.Changes = map[string]int{"delete": n} }
}

// history is a synthetic project whose every number the tests below
// work out by hand.
func history() []events.Event {
	return []events.Event{
		// Before the window: left out.
		ev("pr-9", events.KindUp, events.ResultOK, at(0, 23, 0), at(1, 0, 30), first, fp(small)),
		// pr-1: created, grown, reaped 4h10m past its expiry.
		ev("pr-1", events.KindUp, events.ResultOK, at(1, 10, 0), at(1, 10, 5), first, fp(small), expires(at(1, 22, 0)), urlAfter(6*time.Minute)),
		ev("pr-1", events.KindUp, events.ResultOK, at(1, 12, 0), at(1, 12, 2), fp(large), expires(at(1, 22, 0))),
		ev("pr-1", events.KindRefresh, events.ResultOK, at(1, 15, 0), at(1, 15, 1)),
		ev("pr-1", events.KindReap, events.ResultOK, at(2, 2, 0), at(2, 2, 10), expires(at(1, 22, 0)), deleted(5)),
		// pr-2: a failed up, created the next day, then locked, extended, cancelled; up at the end.
		ev("pr-2", events.KindUp, events.ResultFailed, at(1, 9, 0), at(1, 9, 3), fp(half)),
		ev("pr-2", events.KindUp, events.ResultOK, at(2, 0, 0), at(2, 0, 10), first, fp(half), expires(at(5, 0, 0)), urlAfter(12*time.Minute)),
		ev("pr-2", events.KindUp, events.ResultLocked, at(2, 5, 0), at(2, 5, 5), fp(half)),
		ev("pr-2", events.KindExtend, events.ResultOK, at(2, 6, 0), at(2, 6, 1), expires(at(6, 0, 0))),
		ev("pr-2", events.KindUp, events.ResultCancelled, at(2, 7, 0), at(2, 7, 1), fp(half)),
		// pr-3: up before the window; a failed destroy, then one 1h30m past its expiry.
		ev("pr-3", events.KindUp, events.ResultOK, at(1, 6, 0), at(1, 6, 4), fp(&stacks.Footprint{VCPU: 1}), expires(at(1, 8, 0))),
		ev("pr-3", events.KindDestroy, events.ResultFailed, at(1, 7, 0), at(1, 7, 1)),
		ev("pr-3", events.KindDestroy, events.ResultOK, at(1, 9, 0), at(1, 9, 30), deleted(3)),
		// pr-4: only its reap is in the window; what it ran is unknown.
		ev("pr-4", events.KindReap, events.ResultOK, at(2, 10, 0), at(2, 10, 30), expires(at(2, 9, 0)), deleted(4)),
		// pr-5: a destroy of an environment that never was.
		ev("pr-5", events.KindDestroy, events.ResultOK, at(2, 8, 0), at(2, 8, 1)),
		// The baseline: up all along, past its "expiry", which it has not.
		ev("baseline", events.KindUp, events.ResultOK, at(1, 3, 0), at(1, 3, 1), fp(&stacks.Footprint{}), expires(at(1, 4, 0))),
		// pr-6: created late on an instance class without a rate, still up an hour past its expiry.
		ev("pr-6", events.KindUp, events.ResultOK, at(3, 8, 0), at(3, 8, 20), first, fp(&stacks.Footprint{DatabaseClass: "db.t3.large"}), expires(at(3, 11, 0))),
		// Another project's.
		func() events.Event {
			e := ev("pr-1", events.KindUp, events.ResultOK, at(2, 0, 0), at(2, 0, 1), first, fp(large))
			e.Project = "blog"
			return e
		}(),
	}
}

func TestCompute(t *testing.T) {
	t.Parallel()
	evs := history()
	slices.Reverse(evs) // the order they are read in does not matter
	r := stats.Compute(evs, stats.Options{Project: "shop", Since: since, Now: now, Rates: rates, Currency: "USD", Unreadable: 1})
	const (
		pr1Cost  = (2+2.0/60)*0.17 + (14+8.0/60)*0.21 // grown at 12:02
		pr2Cost  = 36 * 0.125
		pr3Cost  = 9.5 * 0.14
		pr4Cost  = 34.5 * 0.1 // environment-hour alone
		baseCost = 60 * 0.1
		pr6Cost  = 4 * 0.1 // its class has no rate
		hours    = (16 + 10.0/60) + 36 + 9.5 + 34.5 + 60 + 4
		total    = pr1Cost + pr2Cost + pr3Cost + pr4Cost + baseCost + pr6Cost
	)
	minutes := func(m float64) float64 { return m * 60 }
	tests := []struct {
		name      string
		got, want any
	}{
		{"created", r.Environments.Created, 3},
		{"live now", r.Environments.Live, 3},
		{"environment-hours", round(r.Environments.Hours), round(hours)},
		{"first ups", r.Provisioning.First, stats.Percentiles{Count: 3, P50: minutes(12), P95: minutes(20), Max: minutes(20)}},
		{"updates", r.Provisioning.Update, stats.Percentiles{Count: 3, P50: minutes(2), P95: minutes(4), Max: minutes(4)}},
		{"ups", outcomes(r.Ups), "9 6 1 1 1 0.6667"},
		{"teardowns", outcomes(r.Teardowns), "5 4 1 0 0 0.8000"},
		{"overruns", overruns(r.Overruns), []string{"pr-1 15000 false", "pr-3 5400 false", "pr-4 5400 false", "pr-6 3600 true"}},
		{"total cost", round(r.Cost.Total), round(total)},
		{"per environment-hour", round(r.Cost.PerEnvironmentHour), round(total / hours)},
		{"unrated classes", r.Cost.UnratedClasses, []string{"db.t3.large"}},
		{"hours without footprint", r.Cost.HoursWithoutFootprint, 34.5},
		{"days", days(r.Days), []string{
			day("2026-03-01", 2+2.0/60, 0.17, 24-12-2.0/60, 0.21, 9.5, 0.14, 24, 0.1, 24, 0.1),
			day("2026-03-02", 2+10.0/60, 0.21, 24, 0.125, 10.5, 0.1, 24, 0.1),
			day("2026-03-03", 12, 0.125, 12, 0.1, 4, 0.1),
		}},
		{"most expensive first", envs(r.PerEnv), []string{"baseline", "pr-2", "pr-4", "pr-1", "pr-3", "pr-6"}},
		{"notes", len(r.Notes), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

// round keeps six decimals, so sums taken in another order compare equal.
func round(x float64) float64 { return math.Round(x*1e6) / 1e6 }

func outcomes(o stats.Outcomes) string {
	rate := "nil"
	if o.SuccessRate != nil {
		rate = fmt.Sprintf("%.4f", *o.SuccessRate)
	}
	return fmt.Sprintf("%d %d %d %d %d %s", o.Total, o.OK, o.Failed, o.Cancelled, o.Locked, rate)
}

func overruns(os []stats.Overrun) []string {
	var out []string
	for _, o := range os {
		out = append(out, fmt.Sprintf("%s %.0f %v", o.Env, o.Seconds, o.Live))
	}
	return out
}

func days(ds []stats.Day) []string {
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%s %.4f %.4f", d.Date, d.Hours, d.Cost))
	}
	return out
}

// day is how days renders a date whose environments were up for pairs of
// hours and hourly rates.
func day(date string, pairs ...float64) string {
	var hours, cost float64
	for i := 0; i+1 < len(pairs); i += 2 {
		hours += pairs[i]
		cost += pairs[i] * pairs[i+1]
	}
	return fmt.Sprintf("%s %.4f %.4f", date, hours, cost)
}

func envs(es []stats.EnvStats) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Env)
	}
	return out
}
