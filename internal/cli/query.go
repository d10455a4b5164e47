package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/automation"
)

func (a *App) outputsCommand() *cobra.Command {
	f := &envFlags{}
	cmd := &cobra.Command{Use: "outputs", Short: "Print an environment's outputs (secrets masked)", Args: exactArgs(0)}
	f.register(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		s, err := a.open(cmd.Context(), f, true)
		if err != nil {
			return err
		}
		outs, err := s.engine.Outputs(cmd.Context(), s.env)
		if err != nil {
			return err
		}
		return a.printResult(f, s, automation.Result{Stack: s.env.Stack, Op: "outputs", Outputs: outs})
	}
	return cmd
}

// stackJSON is one row of `prenv ls --json`.
type stackJSON struct {
	Stack         string     `json:"stack"`
	LastUpdate    *time.Time `json:"last_update,omitempty"`
	ResourceCount int        `json:"resource_count"`
	Running       bool       `json:"running"`
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
		list, err := s.engine.List(cmd.Context())
		if err != nil {
			return err
		}
		if f.json {
			rows := make([]stackJSON, len(list))
			for i, st := range list {
				rows[i] = stackJSON{Stack: st.Name, ResourceCount: st.ResourceCount, Running: st.Running}
				if !st.LastUpdate.IsZero() {
					rows[i].LastUpdate = &st.LastUpdate
				}
			}
			return writeJSON(a.Stdout, rows)
		}
		if len(list) == 0 {
			fmt.Fprintf(a.Stdout, "no environments in project %s\n", s.bp.Project)
			return nil
		}
		fmt.Fprintf(a.Stdout, "%-16s %-22s %9s %s\n", "STACK", "LAST UPDATE", "RESOURCES", "STATE")
		for _, st := range list {
			updated, state := "never", "idle"
			if !st.LastUpdate.IsZero() {
				updated = st.LastUpdate.UTC().Format(time.RFC3339)
			}
			if st.Running {
				state = "running"
			}
			fmt.Fprintf(a.Stdout, "%-16s %-22s %9d %s\n", st.Name, updated, st.ResourceCount, state)
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
		Long:  "cancel removes a stack's lock only when it is stale: its holder's process is gone on this host, or it is older than --max-job-time. A live lock is reported and left alone.",
		Args:  exactArgs(0),
	}
	f.register(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		s, err := a.open(cmd.Context(), f, true)
		if err != nil {
			return err
		}
		res, err := s.engine.Cancel(cmd.Context(), s.env, automation.MaxJobTime(f.maxJobTime), automation.Progress(a.Stderr))
		if err != nil {
			return err
		}
		switch {
		case len(res.Locks) == 0:
			fmt.Fprintf(a.Stdout, "%s is not locked\n", s.env.Stack)
		case res.Broken:
			fmt.Fprintf(a.Stdout, "%s: broke %d stale lock(s)\n", s.env.Stack, len(res.Locks))
		}
		return nil
	}
	return cmd
}
