package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/internal/session"
	"github.com/prenv/prenv/stacks"
)

func (a *App) statsCommand() *cobra.Command {
	f := &envFlags{}
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Report the project's environments: how many, how long, how fast, how reliable, and their cost",
		Long: "stats reads the events prenv recorded in the state backend for every up, refresh, destroy and reap, " +
			"and reports environments created and live, environment-hours, provisioning time, success rates, " +
			"environments past their TTL, and their cost at the blueprint's finops.rates.",
		Args: exactArgs(0),
	}
	f.registerProject(cmd)
	since := cmd.Flags().String("since", "30d", "how far back to look, such as 30d or 72h")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		window, err := stacks.ParseDuration(*since)
		if err != nil {
			return usage(fmt.Errorf("--since: %w", err))
		}
		r, err := a.host().Stats(cmd.Context(), session.StatsRequest{Session: f.options(false), Since: window})
		if err != nil {
			return err
		}
		if !f.json {
			return r.WriteText(a.Stdout)
		}
		data, err := r.JSON()
		if err != nil {
			return err
		}
		_, err = a.Stdout.Write(data)
		return err
	}
	return cmd
}
