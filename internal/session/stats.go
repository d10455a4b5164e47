package session

import (
	"context"
	"fmt"
	"time"

	"github.com/prenv/prenv/internal/events"
	"github.com/prenv/prenv/internal/stats"
	"github.com/prenv/prenv/stacks"
)

// StatsRequest is one prenv stats: the project's session and the window,
// the last Since up to Now (zero: the time of the call).
type StatsRequest struct {
	Session Options
	Since   time.Duration
	Now     time.Time
}

// Stats reads the project's events of the window from its state backend
// and computes their report at the blueprint's finops.rates. It prepares
// no target and builds no engine.
func (h Host) Stats(ctx context.Context, r StatsRequest) (*stats.Report, error) {
	if r.Since <= 0 {
		return nil, stacks.Input(fmt.Errorf("stats over %s: give a positive window such as 30d or 72h", r.Since))
	}
	o := r.Session
	o.Locate, o.PR, o.Env, o.NeedEnv = true, "", "", false
	s, err := h.Open(ctx, o)
	if err != nil {
		return nil, err
	}
	now := r.Now
	if now.IsZero() {
		now = time.Now()
	}
	since := now.Add(-r.Since)
	project := s.Blueprint.Project
	evs, unreadable, err := events.Log{URL: s.Backend}.Since(ctx, project, since)
	if err != nil {
		return nil, fmt.Errorf("read the events of %s: %w", project, err)
	}
	return stats.Compute(evs, stats.Options{
		Project: project, Since: since, Now: now, Rates: s.Blueprint.FinOps.Rates, Currency: s.Blueprint.FinOps.Currency, Unreadable: unreadable,
	}), nil
}
