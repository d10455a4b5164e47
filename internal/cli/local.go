package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/local"
)

// `prenv local` shows and stops what the local target runs on this
// machine (status, stop). Its hidden commands are the local target's
// resources for modules/local: Terraform's local-exec provisioners run
// them with the resource's spec as one JSON argument (no shell between).
func (a *App) localCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "local",
		Short: "Show or stop the local target's router and PostgreSQL on this machine",
	}
	res := local.ModuleResources{
		AdminURL: func(ctx context.Context) (string, error) {
			t, err := a.host().LocalMachine(ctx)
			return t.AdminURL, err
		},
		Salt: a.Getenv(stacks.DefaultSaltEnv),
	}
	step := func(use string, run func(ctx context.Context, spec []byte) error) *cobra.Command {
		return &cobra.Command{
			Use:  use + " SPEC-JSON",
			Args: exactArgs(1),
			RunE: func(c *cobra.Command, args []string) error { return run(c.Context(), []byte(args[0])) },
		}
	}
	db := &cobra.Command{Use: "database", Short: "Create or delete an environment's database", Hidden: true}
	db.AddCommand(step("create", res.DatabaseCreate), step("delete", res.DatabaseDelete))
	svc := &cobra.Command{Use: "service", Short: "Start or stop one of an environment's services", Hidden: true}
	svc.AddCommand(step("start", res.ServiceStart), step("stop", res.ServiceStop))
	route := &cobra.Command{Use: "route", Short: "Publish or remove an environment's route", Hidden: true}
	route.AddCommand(step("publish", res.RoutePublish), step("remove", res.RouteRemove))
	cmd.AddCommand(a.localStatusCommand(), a.localStopCommand(), db, svc, route)
	return cmd
}
