package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/comment"
	"github.com/prenv/prenv/stacks"
)

func (a *App) outputsCommand() *cobra.Command {
	f := &envFlags{}
	cmd := &cobra.Command{Use: "outputs", Short: "Print an environment's outputs (secrets masked)", Args: exactArgs(0)}
	f.register(cmd)
	show := cmd.Flags().Bool("show-secrets", false, "print secret values instead of masking them")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		s, err := a.open(cmd.Context(), f, true)
		if err != nil {
			return err
		}
		outs, err := s.Engine.Outputs(cmd.Context(), s.Env)
		if err != nil {
			return err
		}
		if *show {
			for k, o := range outs {
				outs[k] = automation.Output{Value: o.Value}
			}
		}
		if c, ok := s.Target.(stacks.StubCounter); ok {
			counts, err := c.UnmatchedStubRequests(cmd.Context(), s.Blueprint, s.Env)
			if err != nil {
				a.notice("warning: unmatched stub requests not counted: " + err.Error())
			}
			for name, n := range counts {
				outs["unmatched:"+name] = automation.Output{Value: n}
			}
		}
		return a.printResult(f, s, automation.Result{Stack: s.Env.Stack, Op: "outputs", Outputs: outs})
	}
	return cmd
}

// stackJSON is one row of `prenv ls --json`.
type stackJSON struct {
	Stack         string     `json:"stack"`
	Status        string     `json:"status"`
	LastUpdate    *time.Time `json:"last_update,omitempty"`
	CreatedAt     *time.Time `json:"created_at,omitempty"`
	ExpiresAt     *time.Time `json:"expires_at,omitempty"`
	URL           string     `json:"url,omitempty"`
	ResourceCount int        `json:"resource_count"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (a *App) lsCommand() *cobra.Command {
	f := &envFlags{}
	cmd := &cobra.Command{Use: "ls", Short: "List the project's environments", Args: exactArgs(0)}
	f.registerProject(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		s, err := a.open(cmd.Context(), f, false)
		if err != nil {
			return err
		}
		list, err := s.Engine.List(cmd.Context())
		if err != nil {
			return err
		}
		now := time.Now()
		if f.json {
			rows := make([]stackJSON, len(list))
			for i, st := range list {
				rows[i] = stackJSON{Stack: st.Name, Status: st.State(now), ResourceCount: st.ResourceCount, URL: st.URL,
					LastUpdate: timePtr(st.LastUpdate), CreatedAt: timePtr(st.CreatedAt), ExpiresAt: timePtr(st.ExpiresAt)}
			}
			return writeJSON(a.Stdout, rows)
		}
		if len(list) == 0 {
			fmt.Fprintf(a.Stdout, "no environments in project %s\n", s.Blueprint.Project)
			return nil
		}
		fmt.Fprintf(a.Stdout, "%-14s %-9s %-7s %-20s %s\n", "ENV", "STATUS", "AGE", "EXPIRES", "URL")
		for _, st := range list {
			ageText, expires := "-", "-"
			if !st.CreatedAt.IsZero() {
				ageText = comment.Age(now.Sub(st.CreatedAt))
			}
			if !st.ExpiresAt.IsZero() {
				expires = st.ExpiresAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(a.Stdout, "%-14s %-9s %-7s %-20s %s\n", st.Name, st.State(now), ageText, expires, st.URL)
		}
		return nil
	}
	return cmd
}

func (a *App) cancelCommand() *cobra.Command {
	f := &envFlags{}
	cmd := &cobra.Command{
		Use:   "cancel",
		Short: "Break an environment's lock if its holder is provably gone",
		Long: "cancel removes a stack's lock only when it is stale: its holder's process is gone on this host, it is older than --max-job-time, " +
			"or (with GITHUB_TOKEN) GitHub says the workflow run that took it has completed. A live lock is reported and left alone.",
		Args: exactArgs(0),
	}
	f.register(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		opts, err := a.lockOptions(f)
		if err != nil {
			return err
		}
		s, err := a.open(cmd.Context(), f, true)
		if err != nil {
			return err
		}
		res, err := s.Engine.Cancel(cmd.Context(), s.Env, opts...)
		if err != nil {
			return err
		}
		switch {
		case len(res.Locks) == 0:
			fmt.Fprintf(a.Stdout, "%s is not locked\n", s.Env.Stack)
		case res.Broken:
			fmt.Fprintf(a.Stdout, "%s: broke %d stale lock(s)\n", s.Env.Stack, len(res.Locks))
		}
		return nil
	}
	return cmd
}
