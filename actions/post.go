package actions

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/events"
	"github.com/prenv/prenv/internal/session"
	"github.com/prenv/prenv/stacks"
)

// Post is the Action's post step. It runs after the job's other steps,
// even when the main step failed or was cancelled. It releases a lock the
// main step's run left (taken on the main step's host, which is gone) and,
// with destroy-on-post, destroys the environment.
func (x *Step) Post(ctx context.Context) error {
	env := x.Runner.State("env")
	if env == "" {
		return nil // the main step skipped, or failed before it began
	}
	// The main step's engine, deploy-target and secrets-provider inputs apply here too.
	x.in.Engine, x.in.DeployTarget = stacks.EngineName(x.Runner.State("engine")), stacks.TargetName(x.Runner.State("deploy-target"))
	runs, err := x.host().LockOptions(x.Runner.Input("github-token"))
	if err != nil {
		return err
	}
	s, err := x.host().Open(ctx, session.Options{
		Blueprint: x.Runner.State("blueprint"), Backend: x.Runner.State("backend"), AllowLocalState: x.Runner.State("allow-local-state") == "true",
		SecretsProvider: x.Runner.State("secrets-provider"), Env: env, NeedEnv: true, Adjust: x.adjust,
		Trigger:   events.ActionTrigger("post"),
		Ephemeral: x.Runner.State("ephemeral") == "true",
	})
	if err != nil {
		return err
	}
	if host := x.Runner.State("host"); host != "" {
		res, err := s.Engine.Cancel(ctx, s.Env, append(slices.Clip(runs), automation.FinishedHost(host), automation.Progress(x.Runner.Stdout))...)
		switch {
		case automation.IsLocked(err):
			fmt.Fprintf(x.Runner.Stdout, "prenv: left the lock on %s alone: %v\n", env, err)
		case err != nil:
			x.warn(fmt.Errorf("release the main step's lock on %s: %w", env, err))
		case res.Broken:
			x.Runner.Notice(fmt.Sprintf("prenv released the lock the cancelled main step left on %s", env))
		}
	}
	if x.Runner.State("destroy-on-post") != "true" {
		return nil
	}
	opts := append(slices.Clip(runs), automation.WaitForLock(5*time.Minute), automation.Progress(x.Progress))
	if x.Runner.State("remove") == "true" {
		opts = append(opts, automation.Remove())
	}
	if _, err := s.Engine.Destroy(ctx, s.Env, opts...); err != nil {
		return fmt.Errorf("destroy-on-post: %w", err)
	}
	fmt.Fprintf(x.Runner.Stdout, "prenv: destroyed %s (destroy-on-post)\n", env)
	return s.AfterDestroy(ctx, x.Progress)
}
