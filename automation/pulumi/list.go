package pulumi

import (
	"context"
	"fmt"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/proc"
)

// List returns the stacks of the engine's project in its backend.
func (p *Engine) List(ctx context.Context) ([]automation.StackInfo, error) {
	ws, cleanup, err := p.workspace(ctx)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	summaries, err := ws.ListStacks(ctx)
	if err != nil {
		return nil, classify(ctx, "(list)", err)
	}
	infos := make([]automation.StackInfo, 0, len(summaries))
	for _, s := range summaries {
		info := automation.StackInfo{Name: s.Name, Running: s.UpdateInProgress}
		if s.ResourceCount != nil {
			info.ResourceCount = *s.ResourceCount
		}
		if s.LastUpdate != "" {
			t, err := time.Parse(time.RFC3339, s.LastUpdate)
			if err != nil {
				return nil, fmt.Errorf("stack %s: last update %q: %w", s.Name, s.LastUpdate, err)
			}
			info.LastUpdate = t
		}
		if cp, ok, err := p.readCheckpoint(s.Name); ok && err == nil {
			info.CreatedAt, info.ExpiresAt, info.URL, info.Repo = cp.createdAt, cp.expiresAt, cp.url, cp.repo
		}
		if !info.Running {
			info.Running = p.liveLock(s.Name)
		}
		infos = append(infos, info)
	}
	return infos, nil
}

// liveLock reports whether a file backend holds a lock on stack that is
// not provably stale: a run is working on it now.
func (p *Engine) liveLock(stack string) bool {
	holders, _, err := p.locks(stack)
	if err != nil {
		return true // unreadable: assume the worst
	}
	now := time.Now()
	for _, h := range holders {
		if staleReason(h, p.host, now, automation.DefaultMaxJobTime, func(pid int) bool { return proc.Alive(pid, 0) }) == "" {
			return true
		}
	}
	return false
}
