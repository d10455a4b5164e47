package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/session"
)

func (a *App) groupCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "group",
		Short: "PR groups: several PRs' environments seen together under one URL",
		Long: "A group grp-<name> routes each service to the member PR that runs it, and everything else to the baseline, " +
			"at http://grp-<name>.localhost:7070 (grp-<name>.<domain> on aws) or with the routing key grp-<name> on any service's URL.",
		Args: exactArgs(0),
	}
	cmd.AddCommand(a.groupUpCommand(), a.groupDestroyCommand(), a.groupLsCommand())
	return cmd
}

func (a *App) groupUpCommand() *cobra.Command {
	f := &envFlags{}
	var prs []int
	var prefer int
	cmd := &cobra.Command{
		Use:   "up NAME --pr N --pr M",
		Short: "Create or update a group of PRs' environments, e.g. prenv group up checkout --pr 12 --pr 15",
		Long: "up sets the group's members to exactly the PRs given; each needs an environment. Two members that run the same " +
			"service are refused, naming the service and both PRs, unless --prefer names the one whose version the group takes.",
		Args: exactArgs(1),
	}
	f.registerGroup(cmd)
	cmd.Flags().IntSliceVar(&prs, "pr", nil, "a member's pull request number; repeat it for each member")
	cmd.Flags().IntVar(&prefer, "prefer", 0, "the member whose version of a service two members run the group takes")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		s, opts, err := a.openGroup(cmd.Context(), f)
		if err != nil {
			return err
		}
		repo, err := a.host().Repo(cmd.Context(), f.repo)
		if err != nil {
			return err
		}
		g, _, err := s.GroupUp(cmd.Context(), session.GroupOptions{Name: args[0], PRs: prs, Prefer: prefer, Repo: repo}, a.Stderr, opts...)
		if err != nil {
			return err
		}
		if f.json {
			return writeJSON(a.Stdout, g)
		}
		fmt.Fprintf(a.Stdout, "%s: %s\nmembers: %s\n", g.Env, g.URL, strings.Join(g.Members, ", "))
		return nil
	}
	return cmd
}

func (a *App) groupDestroyCommand() *cobra.Command {
	f := &envFlags{}
	cmd := &cobra.Command{
		Use:   "destroy NAME",
		Short: "Delete a group's routes and stack; its members stay",
		Args:  exactArgs(1),
	}
	f.registerGroup(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		s, opts, err := a.openGroup(cmd.Context(), f)
		if err != nil {
			return err
		}
		if _, err := s.GroupDestroy(cmd.Context(), args[0], a.Stderr, opts...); err != nil {
			return err
		}
		fmt.Fprintf(a.Stdout, "destroyed group %s\n", args[0])
		return nil
	}
	return cmd
}

func (a *App) groupLsCommand() *cobra.Command {
	f := &envFlags{}
	cmd := &cobra.Command{Use: "ls", Short: "List the project's PR groups and their members", Args: exactArgs(0)}
	f.registerProject(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		s, err := a.open(cmd.Context(), f, false)
		if err != nil {
			return err
		}
		list, err := s.Groups(cmd.Context())
		if err != nil {
			return err
		}
		if f.json {
			return writeJSON(a.Stdout, list)
		}
		if len(list) == 0 {
			fmt.Fprintf(a.Stdout, "no groups in project %s\n", s.Blueprint.Project)
			return nil
		}
		fmt.Fprintf(a.Stdout, "%-20s %-24s %s\n", "GROUP", "MEMBERS", "URL")
		for _, g := range list {
			fmt.Fprintf(a.Stdout, "%-20s %-24s %s\n", g.Env, strings.Join(g.Members, ","), g.URL)
		}
		return nil
	}
	return cmd
}

// registerGroup adds the flags of a command that changes a group's stack.
func (f *envFlags) registerGroup(cmd *cobra.Command) {
	f.registerProject(cmd)
	f.registerOffline(cmd)
	cmd.Flags().DurationVar(&f.waitForLock, "wait-for-lock", 0, "how long to wait for another run's lock on the group's stack")
}

// openGroup opens the project-wide session of a command that changes a
// group's stack, with the lock options its flags give.
func (a *App) openGroup(ctx context.Context, f *envFlags) (*session.Session, []automation.Option, error) {
	opts, err := a.lockOptions(f)
	if err != nil {
		return nil, nil, err
	}
	s, err := a.open(ctx, f, false)
	return s, opts, err
}
