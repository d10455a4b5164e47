package terraform

import (
	"context"

	"github.com/prenv/prenv/automation"
)

// List returns the workspaces of the engine's project, the default one
// aside, with what their state says of each, read straight from the
// backend: one listing and one read per workspace, no terraform run.
func (t *Engine) List(ctx context.Context) ([]automation.StackInfo, error) {
	workspaces, err := t.state.Workspaces(ctx, t.cfg.Project)
	if err != nil {
		return nil, err
	}
	o := automation.Resolve(nil)
	infos := make([]automation.StackInfo, 0, len(workspaces))
	for _, w := range workspaces {
		running, err := t.running(ctx, w.Name, o)
		if err != nil {
			return nil, err
		}
		infos = append(infos, automation.StackInfo{
			Name: w.Name, LastUpdate: w.LastUpdate, ResourceCount: w.ResourceCount, Running: running,
			CreatedAt: w.CreatedAt, ExpiresAt: w.ExpiresAt, URL: w.URL, Repo: w.Repo,
		})
	}
	return infos, nil
}

// running reports whether a run may hold workspace's lock now.
func (t *Engine) running(ctx context.Context, workspace string, o automation.Options) (bool, error) {
	v, err := t.backend.inspect(ctx, workspace, o)
	return v.found && v.stale == "", err
}
