package pulumi

import (
	"context"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/proc"
	"github.com/prenv/prenv/internal/state"
)

// List returns the stacks of the engine's project in its backend, read
// straight from the backend's state on every kind of backend: two
// listings and one read per stack, no pulumi run.
func (p *Engine) List(ctx context.Context) ([]automation.StackInfo, error) {
	stacks, err := p.state.Stacks(ctx, p.cfg.Project)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	infos := make([]automation.StackInfo, 0, len(stacks))
	for _, s := range stacks {
		infos = append(infos, automation.StackInfo{
			Name:          s.Name,
			LastUpdate:    s.LastUpdate,
			ResourceCount: s.ResourceCount,
			Running:       p.liveLock(s.Locks, now),
			CreatedAt:     s.CreatedAt,
			ExpiresAt:     s.ExpiresAt,
			URL:           s.URL,
			Repo:          s.Repo,
			Members:       s.Members,
		})
	}
	return infos, nil
}

// liveLock reports whether any of a stack's locks is not provably stale:
// a run is working on it now.
func (p *Engine) liveLock(locks []state.Lock, now time.Time) bool {
	for _, l := range locks {
		if staleReason(l.Holder, p.host, now, automation.DefaultMaxJobTime, func(pid int) bool { return proc.Alive(pid, 0) }) == "" {
			return true
		}
	}
	return false
}
