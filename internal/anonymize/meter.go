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
}

func newMeter(table string, total float64, w io.Writer) *meter {
	now := time.Now()
	return &meter{table: table, total: total, w: w, start: now, last: now}
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

func (m *meter) finish(r TableReport) {
	if m.w != nil {
		fmt.Fprintf(m.w, "anonymize %s: %d rows (%v) by %s in %s, %.0f rows/s\n", r.Table, r.Rows, r.Columns, r.Method, r.Duration.Round(time.Millisecond), r.RowsPerSecond())
	}
}
