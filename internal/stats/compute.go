package stats

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/prenv/prenv/internal/events"
	"github.com/prenv/prenv/stacks"
)

// Options say which window a Report covers and how it prices it.
type Options struct {
	Project    string
	Since, Now time.Time
	Rates      stacks.Rates
	Currency   string
	// Unreadable is how many events could not be read, for a note.
	Unreadable int
}

// span is a stretch of time an environment was up, at one footprint (nil:
// not recorded).
type span struct {
	from, to  time.Time
	footprint *stacks.Footprint
}

// life is what the events say of one environment, in their order.
type life struct {
	env     string
	pr      int
	known   bool // whether an event told whether it is up
	up      bool
	from    time.Time
	current *stacks.Footprint
	first   *stacks.Footprint // its first recorded footprint, for the hours before it
	expires time.Time
	spans   []span
	overrun *Overrun
}

// Compute builds the Report of the events that started in [o.Since, o.Now].
func Compute(evs []events.Event, o Options) *Report {
	evs = slices.DeleteFunc(slices.Clone(evs), func(e events.Event) bool {
		return e.Start.Before(o.Since) || e.Start.After(o.Now) || (o.Project != "" && e.Project != o.Project)
	})
	slices.SortStableFunc(evs, func(a, b events.Event) int { return cmp.Or(a.End.Compare(b.End), a.Start.Compare(b.Start)) })
	r := &Report{Version: FormatVersion, Project: o.Project, Since: o.Since.UTC(), Until: o.Now.UTC(), Overruns: []Overrun{}, PerEnv: []EnvStats{}, Notes: []string{}}
	var first, update []time.Duration
	lives := map[string]*life{}
	for _, e := range evs {
		l := lives[e.Env]
		if l == nil {
			l = &life{env: e.Env, pr: e.PR}
			lives[e.Env] = l
		}
		l.apply(e, o.Since, &r.Environments.Created)
		switch {
		case e.Kind == events.KindUp:
			r.Ups.count(e.Result)
			if e.Result == events.ResultOK {
				d := e.Duration()
				if e.URLReady > 0 {
					d = time.Duration(e.URLReady)
				}
				if e.First {
					first = append(first, d)
				} else {
					update = append(update, d)
				}
			}
		case e.Kind.Teardown():
			r.Teardowns.count(e.Result)
		}
	}
	r.Provisioning = Provisioning{First: percentiles(first), Update: percentiles(update)}
	r.Ups.rate()
	r.Teardowns.rate()
	r.Cost = Cost{Currency: o.Currency, Rated: !o.Rates.IsZero(), UnratedClasses: []string{}}
	r.Days = days(o.Since, o.Now)
	unrated := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(lives)) {
		l := lives[name]
		l.end(o.Now)
		if l.up {
			r.Environments.Live++
		}
		if l.overrun != nil {
			r.Overruns = append(r.Overruns, *l.overrun)
		}
		es := EnvStats{Env: name, Live: l.up}
		for _, s := range l.spans {
			f := s.footprint
			if f == nil {
				f = l.first
			}
			if f == nil {
				r.Cost.HoursWithoutFootprint += s.to.Sub(s.from).Hours()
				f = &stacks.Footprint{}
			}
			rate := hourly(o.Rates, *f, unrated)
			for i := range r.Days {
				h := overlap(s, r.Days[i].Date)
				r.Days[i].Hours += h
				r.Days[i].Cost += h * rate
			}
			h := s.to.Sub(s.from).Hours()
			es.Hours += h
			es.Cost += h * rate
		}
		if es.Hours > 0 || es.Live {
			r.PerEnv = append(r.PerEnv, es)
		}
		r.Environments.Hours += es.Hours
		r.Cost.Total += es.Cost
	}
	slices.SortStableFunc(r.Overruns, func(a, b Overrun) int { return cmp.Compare(b.Seconds, a.Seconds) })
	slices.SortStableFunc(r.PerEnv, func(a, b EnvStats) int { return cmp.Or(cmp.Compare(b.Cost, a.Cost), cmp.Compare(b.Hours, a.Hours)) })
	if r.Environments.Hours > 0 {
		r.Cost.PerEnvironmentHour = r.Cost.Total / r.Environments.Hours
	}
	r.Cost.UnratedClasses = slices.Sorted(maps.Keys(unrated))
	r.notes(o)
	r.round()
	return r
}

// round keeps six decimals of every sum, so that the report reads the
// same on every machine whatever order or instructions summed it.
func (r *Report) round() {
	for _, f := range []*float64{&r.Environments.Hours, &r.Cost.Total, &r.Cost.PerEnvironmentHour, &r.Cost.HoursWithoutFootprint} {
		*f = round6(*f)
	}
	for i := range r.Days {
		r.Days[i].Hours, r.Days[i].Cost = round6(r.Days[i].Hours), round6(r.Days[i].Cost)
	}
	for i := range r.PerEnv {
		r.PerEnv[i].Hours, r.PerEnv[i].Cost = round6(r.PerEnv[i].Hours), round6(r.PerEnv[i].Cost)
	}
	for _, rate := range []*float64{r.Ups.SuccessRate, r.Teardowns.SuccessRate} {
		if rate != nil {
			*rate = round6(*rate)
		}
	}
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// apply moves l past e; created counts the environments first ups create.
func (l *life) apply(e events.Event, since time.Time, created *int) {
	if e.Kind == events.KindUp && e.Footprint != nil {
		if l.first == nil {
			l.first = e.Footprint
		}
		if l.up && e.Result == events.ResultOK && (l.current == nil || *e.Footprint != *l.current) {
			l.close(e.End)
			l.from = e.End
		}
		if e.Result == events.ResultOK {
			l.current = e.Footprint
		}
	}
	if !e.ExpiresAt.IsZero() && (e.Result == events.ResultOK || e.Kind == events.KindReap) {
		l.expires = e.ExpiresAt
	}
	if e.Result != events.ResultOK {
		return
	}
	if e.Kind == events.KindUp && e.First {
		*created++
	}
	switch {
	case e.Kind.Teardown():
		deleted := e.Changes["delete"] > 0
		if !l.up && !l.known && deleted {
			l.up, l.from = true, since // up before the window began
		}
		if l.up {
			l.overrunUntil(e.End, false)
			l.close(e.End)
		}
		l.up, l.known, l.current = false, true, nil
	case !l.up:
		switch {
		case e.Kind == events.KindUp && e.First:
			l.from = e.Start
		case !l.known:
			l.from = since // it existed before the window
		default:
			l.from = e.Start
		}
		l.up, l.known = true, true
	}
}

// close ends l's current span at t.
func (l *life) close(t time.Time) {
	if t.After(l.from) {
		l.spans = append(l.spans, span{from: l.from, to: t, footprint: l.current})
	}
}

// end closes the span of an environment still up at now.
func (l *life) end(now time.Time) {
	if l.up {
		l.overrunUntil(now, true)
		l.close(now)
	}
}

// overrunUntil notes how long past its expiry l was up at t.
func (l *life) overrunUntil(t time.Time, live bool) {
	if l.pr == 0 || l.expires.IsZero() || !t.After(l.expires) {
		return
	}
	l.overrun = &Overrun{Env: l.env, ExpiresAt: l.expires.UTC(), Until: t.UTC(), Live: live, Seconds: t.Sub(l.expires).Seconds()}
}

// hourly is what one hour of an environment with footprint f costs at
// rates; a database class without a rate is noted in unrated.
func hourly(rates stacks.Rates, f stacks.Footprint, unrated map[string]bool) float64 {
	h := rates.EnvironmentHour + f.VCPU*rates.VCPUHour + f.MemoryGiB*rates.GiBHour
	if f.DatabaseClass != "" {
		rate, ok := rates.DatabaseHour[f.DatabaseClass]
		if !ok && !rates.IsZero() {
			unrated[f.DatabaseClass] = true
		}
		h += rate
	}
	return h
}

func (o *Outcomes) count(r events.Result) {
	o.Total++
	switch r {
	case events.ResultOK:
		o.OK++
	case events.ResultFailed:
		o.Failed++
	case events.ResultCancelled:
		o.Cancelled++
	case events.ResultLocked:
		o.Locked++
	}
}

func (o *Outcomes) rate() {
	if o.Total > 0 {
		rate := float64(o.OK) / float64(o.Total)
		o.SuccessRate = &rate
	}
}

// percentiles are the nearest-rank p50 and p95, and the maximum, of ds.
func percentiles(ds []time.Duration) Percentiles {
	if len(ds) == 0 {
		return Percentiles{}
	}
	slices.Sort(ds)
	rank := func(p float64) float64 {
		i := int(math.Ceil(p/100*float64(len(ds)))) - 1
		return ds[max(i, 0)].Seconds()
	}
	return Percentiles{Count: len(ds), P50: rank(50), P95: rank(95), Max: ds[len(ds)-1].Seconds()}
}

// days are the UTC days from since's to now's, each empty.
func days(since, now time.Time) []Day {
	var out []Day
	for d := since.UTC().Truncate(24 * time.Hour); !d.After(now.UTC()); d = d.Add(24 * time.Hour) {
		out = append(out, Day{Date: d.Format(time.DateOnly)})
	}
	return out
}

// overlap is the hours of s within the UTC day date.
func overlap(s span, date string) float64 {
	start, _ := time.Parse(time.DateOnly, date)
	from, to := maxTime(s.from, start), minTime(s.to, start.Add(24*time.Hour))
	if !to.After(from) {
		return 0
	}
	return to.Sub(from).Hours()
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// notes say what the report could not take into account.
func (r *Report) notes(o Options) {
	switch {
	case o.Unreadable == 1:
		r.Notes = append(r.Notes, "1 recorded event could not be read and is left out")
	case o.Unreadable > 1:
		r.Notes = append(r.Notes, fmt.Sprintf("%d recorded events could not be read and are left out", o.Unreadable))
	}
	if !r.Cost.Rated {
		r.Notes = append(r.Notes, "the blueprint sets no finops.rates, so no cost is computed")
	}
	for _, c := range r.Cost.UnratedClasses {
		r.Notes = append(r.Notes, fmt.Sprintf("finops.rates.database-hour has no rate for %s, whose hours count without their database", c))
	}
	if r.Cost.Rated && r.Cost.HoursWithoutFootprint > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%.1f environment-hours have no recorded up in the window, so only environment-hour prices them", r.Cost.HoursWithoutFootprint))
	}
}
