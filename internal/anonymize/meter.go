package anonymize

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// meter reports a table's progress, rows/s and time left, at most once a
// second.
type meter struct {
	table string
	total float64 // estimated rows
	w     io.Writer
	start time.Time
	mu    sync.Mutex
	last  time.Time
	// phases is where the table's time went, in order; the last one is
	// still running until the next starts or the table finishes.
	phases []Phase
	since  time.Time
}

// Phase is one step of a table's rewrite and how long it took.
type Phase struct {
	Name     string
	Duration time.Duration
}

func newMeter(table string, total float64, w io.Writer) *meter {
	now := time.Now()
	return &meter{table: table, total: total, w: w, start: now, last: now, since: now}
}

// phase ends the running phase, if any, and starts the one named.
func (m *meter) phase(name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	if n := len(m.phases); n > 0 {
		m.phases[n-1].Duration = now.Sub(m.since)
	}
	m.phases = append(m.phases, Phase{Name: name})
	m.since = now
}

// profile ends the running phase and returns them all.
func (m *meter) profile() []Phase {
	m.phase("")
	m.phases = m.phases[:len(m.phases)-1]
	return m.phases
}

func (m *meter) update(rows int64) {
	if m.w == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	if now.Sub(m.last) < time.Second {
		return
	}
	m.last = now
	rate := float64(rows) / now.Sub(m.start).Seconds()
	left := "?"
	if m.total > float64(rows) && rate > 0 {
		left = (time.Duration((m.total-float64(rows))/rate) * time.Second).Round(time.Second).String()
	}
	fmt.Fprintf(m.w, "anonymize %s: %d rows, %.0f rows/s, about %s left\n", m.table, rows, rate, left)
}

// note reports a fact about the table's run.
func (m *meter) note(s string) {
	if m.w != nil {
		fmt.Fprintf(m.w, "anonymize %s: %s\n", m.table, s)
	}
}

// done completes r with the time since start and the phases, and reports it.
func (m *meter) done(r TableReport, start time.Time) TableReport {
	r.Duration = time.Since(start)
	r.Phases = m.profile()
	if m.w != nil {
		profile := ""
		if len(r.Phases) > 0 {
			profile = " (" + r.Profile() + ")"
		}
		fmt.Fprintf(m.w, "anonymize %s: %d rows (%v) by %s in %s, %.0f rows/s%s\n", r.Table, r.Rows, r.Columns, r.Method, r.Duration.Round(time.Millisecond), r.RowsPerSecond(), profile)
	}
	return r
}
