package actions

import (
	"context"
	"fmt"

	"github.com/prenv/prenv/internal/session"
)

// joinGroup adds the PR's environment to the group its body or labels
// name, after its up. A marker that names no valid group is a warning in
// fixed words: the PR's own text is never echoed into the log.
func (x *Step) joinGroup(ctx context.Context, s *session.Session, ev Event) error {
	if ev.PR != nil && ev.PR.Number == x.plan.PR && ev.PR.GroupInvalid {
		x.warning(fmt.Sprintf("pull request #%d's prenv-group line or label names no valid group (one DNS label: lowercase letters, digits and hyphens), or names two: it joins none", ev.PR.Number))
		return nil
	}
	if x.plan.Group == "" {
		return nil
	}
	g, err := s.JoinGroup(ctx, x.plan.Group, x.Progress, x.operationOptions()...)
	if err != nil {
		return err
	}
	x.Runner.Notice(fmt.Sprintf("prenv: %s joined group %s: %s", s.Env.Name, g.Env, g.URL))
	return nil
}
