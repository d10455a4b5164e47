package terraform

import (
	"context"
	"errors"

	"github.com/prenv/prenv/internal/state"
)

// readState reads workspace's state from the backend, without running
// terraform; a workspace without state reads as the zero Stack.
func (t *Engine) readState(ctx context.Context, workspace string) (state.Stack, error) {
	s, err := t.state.Workspace(ctx, t.cfg.Project, workspace)
	if errors.Is(err, state.ErrNoStack) {
		return state.Stack{Name: workspace}, nil
	}
	return s, err
}
