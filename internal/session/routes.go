package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/naming"
	"github.com/prenv/prenv/stacks"
	awstarget "github.com/prenv/prenv/stacks/aws"
)

// Route-stack waits: how long a PR's up or destroy waits for another
// run's update of the routes stack.
const RoutesWaitForLock = 10 * time.Minute

// SandboxRoutes reports whether the session's blueprint keeps a routes
// stack: the aws target in sandbox mode, on the Pulumi engine.
func (s *Session) SandboxRoutes() bool {
	bp := s.Blueprint
	return bp.Target == stacks.TargetAWS && bp.Routing.Mode == stacks.RoutingSandbox && bp.Engine == stacks.EnginePulumi
}

// SyncRoutes brings the routes stack up to date with the live sandboxes
// and returns its environment and result; s.Env is left alone. The engine
// installs the aws target's plugins first, as for any up.
func (s *Session) SyncRoutes(ctx context.Context, opts ...automation.Option) (stacks.Env, automation.Result, error) {
	live, groups, err := s.liveSandboxes(ctx)
	if err != nil {
		return stacks.Env{}, automation.Result{}, err
	}
	env, err := awstarget.RoutesEnv(s.Blueprint, live, time.Now())
	if err != nil {
		return env, automation.Result{}, err
	}
	if env, err = awstarget.WithGroups(env, groups); err != nil {
		return env, automation.Result{}, err
	}
	res, err := s.Engine.Up(ctx, env, opts...)
	return env, res, err
}

// AfterChange runs after a successful up of the session's environment:
// the target finishes it (stacks.UpFinisher), then, for a PR in sandbox
// mode, the routes stack follows, so its routing key reaches it. AfterDestroy
// has the routes follow a destroy.
func (s *Session) AfterChange(ctx context.Context, progress io.Writer) error {
	var finished error
	if f, ok := s.Target.(stacks.UpFinisher); ok {
		finished = f.FinishUp(ctx, s.Blueprint, s.Env)
	}
	// The environment is up either way: its routing key must reach it.
	return errors.Join(finished, s.followRoutes(ctx, progress))
}

// followRoutes updates the routes stack after a PR environment's up or
// destroy in sandbox mode, so its routing key reaches it (or stops). It
// does nothing for other blueprints and environments.
func (s *Session) followRoutes(ctx context.Context, progress io.Writer) error {
	if s.Env.PR == 0 {
		return nil
	}
	return s.routesFollow(ctx, s.Env.Name, progress)
}

// liveSandboxes maps each of the project's pr-<n> stacks to the services
// it runs itself, from its services output, and each PR group (grp-<name>)
// to its members.
func (s *Session) liveSandboxes(ctx context.Context) (live, groups map[string][]string, err error) {
	list, err := s.Engine.List(ctx)
	if err != nil {
		return nil, nil, err
	}
	live, groups = map[string][]string{}, map[string][]string{}
	for _, st := range list {
		if _, ok := naming.GroupFromEnv(st.Name); ok && len(st.Members) > 0 {
			groups[st.Name] = st.Members
		}
		if _, ok := naming.PRFromEnv(st.Name); !ok {
			continue
		}
		env, err := stacks.NewEnv(s.Blueprint, stacks.EnvOptions{Name: st.Name})
		if err != nil {
			return nil, nil, err
		}
		outs, err := s.Engine.Outputs(ctx, env)
		if err != nil {
			return nil, nil, fmt.Errorf("read the services of %s: %w", st.Name, err)
		}
		if services := servicesOutput(outs["services"].Value); len(services) > 0 {
			live[st.Name] = services
		}
	}
	return live, groups, nil
}

// servicesOutput reads a stack's services output, a list of names.
func servicesOutput(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
