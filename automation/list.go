package automation

import (
	"context"
	"fmt"
	"time"
)

// List returns the stacks of the engine's project in its backend.
func (p *Pulumi) List(ctx context.Context) ([]StackInfo, error) {
	ws, cleanup, err := p.workspace(ctx)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	summaries, err := ws.ListStacks(ctx)
	if err != nil {
		return nil, classify(ctx, "(list)", err)
	}
	infos := make([]StackInfo, 0, len(summaries))
	for _, s := range summaries {
		info := StackInfo{Name: s.Name, Running: s.UpdateInProgress}
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
			info.CreatedAt, info.ExpiresAt, info.URL = cp.createdAt, cp.expiresAt, cp.url
		}
		infos = append(infos, info)
	}
	return infos, nil
}
