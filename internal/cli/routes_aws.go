package cli

import (
	"context"
	"errors"

	"github.com/prenv/prenv/internal/session"
	"github.com/prenv/prenv/stacks"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/automation"
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
	f.registerOffline(cmd)
	cmd.Flags().DurationVar(&f.waitForLock, "wait-for-lock", session.RoutesWaitForLock, "how long to wait for another run's update of the routes stack")
	cmd.Flags().DurationVar(&f.maxJobTime, "max-job-time", automation.DefaultMaxJobTime, "age past which a lock is stale even if its holder may be alive")
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
	case s.Blueprint.Target != stacks.TargetAWS:
		return errNotAWS("routes", s.Blueprint)
	case s.Blueprint.Routing.Mode != stacks.RoutingSandbox:
		return usage(errors.New("routes serves routing.mode sandbox; in isolated mode every environment runs its own services and needs none"))
	case s.Blueprint.Engine != stacks.EnginePulumi:
		return usage(errors.New("routes needs engine: pulumi"))
	}
	env, res, err := s.SyncRoutes(ctx,
		automation.WaitForLock(f.waitForLock), automation.MaxJobTime(f.maxJobTime), automation.Progress(a.Stderr))
	for _, line := range res.Recovered {
		a.notice("recovered: " + line)
	}
	if err != nil {
		return err
	}
	s.Env = env
	return a.printResult(f, s, res)
}
