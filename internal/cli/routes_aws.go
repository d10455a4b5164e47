package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prenv/prenv/internal/session"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/naming"
	"github.com/prenv/prenv/stacks"
	awstarget "github.com/prenv/prenv/stacks/aws"
)

func (a *App) routesCommand() *cobra.Command {
	f := &envFlags{}
	cmd := &cobra.Command{
		Use:   "routes",
		Short: "Update the aws target's sandbox routes from the live PR environments",
		Long: "routes brings the project's routes stack up to date: for each service a live sandbox (a pr-<n> stack) runs, " +
			"a VirtualService on the baseline's host sends requests carrying that PR's routing key to it and the rest to the baseline. " +
			"Run it after every PR up or destroy in sandbox mode; runs queue on the stack's lock for up to --wait-for-lock.",
		Args: exactArgs(0),
	}
	f.registerProject(cmd)
	cmd.Flags().DurationVar(&f.waitForLock, "wait-for-lock", 10*time.Minute, "how long to wait for another run's update of the routes stack")
	cmd.Flags().DurationVar(&f.maxJobTime, "max-job-time", 6*time.Hour, "age past which a lock is stale even if its holder may be alive")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return a.routes(cmd.Context(), f) }
	return cmd
}

// routes is prenv routes.
func (a *App) routes(ctx context.Context, f *envFlags) error {
	s, err := a.open(ctx, f, false)
	if err != nil {
		return err
	}
	switch {
	case s.Blueprint.Target != "aws":
		return errNotAWS("routes", s.Blueprint)
	case s.Blueprint.Routing.Mode != "sandbox":
		return usage(errors.New("routes serves routing.mode sandbox; in isolated mode every environment runs its own services and needs none"))
	case s.Blueprint.Engine != "pulumi":
		return usage(errors.New("routes needs engine: pulumi"))
	}
	env, res, err := a.syncRoutes(ctx, s, f.waitForLock, f.maxJobTime)
	if err != nil {
		return err
	}
	s.Env = env
	return a.printResult(f, s, res)
}

// sandboxRoutes reports whether s's blueprint keeps a routes stack: the
// aws target in sandbox mode, on the Pulumi engine.
func sandboxRoutes(bp *stacks.Blueprint) bool {
	return bp.Target == "aws" && bp.Routing.Mode == "sandbox" && bp.Engine == "pulumi"
}

// syncRoutes brings the routes stack up to date with the live sandboxes,
// and returns its environment and result; s.Env is left alone.
func (a *App) syncRoutes(ctx context.Context, s *session.Session, wait, maxJobTime time.Duration) (stacks.Env, automation.Result, error) {
	live, err := liveSandboxes(ctx, s.Engine, s.Blueprint)
	if err != nil {
		return stacks.Env{}, automation.Result{}, err
	}
	env, err := awstarget.RoutesEnv(s.Blueprint, live, time.Now())
	if err != nil {
		return env, automation.Result{}, err
	}
	if err := awstarget.CheckPlugins(a.host().PulumiHome()); err != nil {
		return env, automation.Result{}, err
	}
	res, err := s.Engine.Up(ctx, env, automation.WaitForLock(wait), automation.MaxJobTime(maxJobTime), automation.Progress(a.Stderr))
	for _, line := range res.Recovered {
		a.notice("recovered: " + line)
	}
	return env, res, err
}

// afterSandboxChange updates the routes stack after a PR environment's up
// or destroy in sandbox mode, so its routing key reaches it (or stops).
func (a *App) afterSandboxChange(ctx context.Context, s *session.Session) error {
	if !sandboxRoutes(s.Blueprint) || s.Env.PR == 0 {
		return nil
	}
	if _, _, err := a.syncRoutes(ctx, s, 10*time.Minute, 6*time.Hour); err != nil {
		return fmt.Errorf("%s changed, but the routes stack did not follow: %w; run prenv routes", s.Env.Name, err)
	}
	a.notice("updated the sandbox routes")
	return nil
}

// liveSandboxes maps each of the project's pr-<n> stacks to the services
// it runs itself, from its services output.
func liveSandboxes(ctx context.Context, eng automation.Engine, bp *stacks.Blueprint) (map[string][]string, error) {
	list, err := eng.List(ctx)
	if err != nil {
		return nil, err
	}
	live := map[string][]string{}
	for _, st := range list {
		if _, ok := naming.PRFromEnv(st.Name); !ok {
			continue
		}
		env, err := stacks.NewEnv(bp, stacks.EnvOptions{Name: st.Name})
		if err != nil {
			return nil, err
		}
		outs, err := eng.Outputs(ctx, env)
		if err != nil {
			return nil, fmt.Errorf("read the services of %s: %w", st.Name, err)
		}
		if services := servicesOutput(outs["services"].Value); len(services) > 0 {
			live[st.Name] = services
		}
	}
	return live, nil
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
