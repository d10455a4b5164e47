package terraform

import (
	"context"
	"fmt"

	"github.com/prenv/prenv/automation"
)

// List returns the workspaces of the engine's project, the default one
// aside, with what their state says of each.
func (t *Engine) List(ctx context.Context) ([]automation.StackInfo, error) {
	r, err := t.workdir(ctx)
	if err != nil {
		return nil, err
	}
	defer r.cleanup()
	names, _, err := r.tf.WorkspaceList(ctx)
	if err != nil {
		return nil, t.classify(ctx, "(list)", err, nil)
	}
	var infos []automation.StackInfo
	for _, name := range names {
		if name == "default" {
			continue
		}
		st, err := t.readState(name)
		if err != nil {
			return nil, fmt.Errorf("workspace %s: %w", name, err)
		}
		_, running := t.lockHolder(name)
		infos = append(infos, automation.StackInfo{
			Name: name, LastUpdate: st.modified, ResourceCount: st.resources, Running: running,
			CreatedAt: st.createdAt, ExpiresAt: st.expiresAt, URL: st.url,
		})
	}
	return infos, nil
}
