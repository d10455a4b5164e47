package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// operation is one engine call on an environment.
type operation func(eng automation.Engine, ctx context.Context, env stacks.Env, opts ...automation.Option) (automation.Result, error)

func (a *App) lifecycleCommand(use, short string, op operation, extra func(*cobra.Command, *envFlags) func() []automation.Option) *cobra.Command {
	f := &envFlags{}
	cmd := &cobra.Command{Use: use, Short: short, Args: exactArgs(0)}
	f.register(cmd)
	f.registerOffline(cmd)
	more := func() []automation.Option { return nil }
	if extra != nil {
		more = extra(cmd, f)
	}
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		opts, err := a.lockOptions(f) // a bad GITHUB_RUN_ID is refused before the target is touched
		if err != nil {
			return err
		}
		s, err := a.open(cmd.Context(), f, true)
		if err != nil {
			return err
		}
		opts = append(opts, more()...)
		res, err := op(s.Engine, cmd.Context(), s.Env, opts...)
		for _, line := range res.Recovered {
			a.notice("recovered: " + line)
		}
		if err != nil {
			return err
		}
		if err := a.printResult(f, s, res); err != nil {
			return err
		}
		switch use {
		case "up":
			return s.AfterChange(cmd.Context(), a.Stderr)
		case "destroy":
			return s.AfterDestroy(cmd.Context(), a.Stderr)
		}
		return nil
	}
	return cmd
}

func (a *App) upCommand() *cobra.Command {
	return a.lifecycleCommand("up", "Create or update an environment", automation.Engine.Up, refreshFlag)
}

func (a *App) previewCommand() *cobra.Command {
	return a.lifecycleCommand("preview", "Show what up would change", automation.Engine.Preview, refreshFlag)
}

func (a *App) refreshCommand() *cobra.Command {
	return a.lifecycleCommand("refresh", "Reconcile an environment's state with its real resources", automation.Engine.Refresh, nil)
}

func (a *App) destroyCommand() *cobra.Command {
	return a.lifecycleCommand("destroy", "Delete an environment (a missing one is not an error)", automation.Engine.Destroy,
		func(cmd *cobra.Command, _ *envFlags) func() []automation.Option {
			remove := cmd.Flags().Bool("remove", true, "also delete the stack and its history")
			return func() []automation.Option {
				if *remove {
					return []automation.Option{automation.Remove()}
				}
				return nil
			}
		})
}

// refreshFlag adds --refresh to the commands that run the program, which
// also need the PR's changed files.
func refreshFlag(cmd *cobra.Command, f *envFlags) func() []automation.Option {
	f.diffs = true
	refresh := cmd.Flags().Bool("refresh", false, "refresh the stack's state first")
	return func() []automation.Option {
		if *refresh {
			return []automation.Option{automation.RefreshFirst()}
		}
		return nil
	}
}
