package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/stacks"
)

func (a *App) goldenCommand() *cobra.Command {
	var blueprint string
	cmd := &cobra.Command{
		Use:   "golden",
		Short: "Rebuild the local golden: copy the source, anonymise it, verify, then swap it in",
		Long: "golden refreshes the anonymised golden database every local environment is cloned from. " +
			"It builds the new one beside the old, anonymises it whole, proves no sampled original value survives, " +
			"and only then replaces the old one; a failure leaves the old golden in place.",
		Args: exactArgs(0),
	}
	cmd.Flags().StringVar(&blueprint, "blueprint", "prenv.yaml", "path of the blueprint")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		bp, err := stacks.Load(blueprint)
		if err != nil {
			return usage(err)
		}
		if bp.Target != stacks.TargetLocal {
			return usage(errors.New("prenv golden rebuilds the local target's golden; the aws target restores from snapshots"))
		}
		if !bp.HasDatabase() {
			return usage(fmt.Errorf("%s has no database section, so its environments have no database and no golden to rebuild: add database.golden to give them one", blueprint))
		}
		t, err := a.host().LocalTarget(cmd.Context(), bp)
		if err != nil {
			return err
		}
		rep, err := t.RefreshGolden(cmd.Context(), bp)
		for _, c := range rep.Columns {
			fmt.Fprintf(a.Stdout, "verified %-32s %d sampled originals, %d found\n", c.Column, c.Sampled, c.Survivors)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(a.Stdout, "the golden is rebuilt; environments cloned from now on start from it (database clone: %s)\n", t.Clone.Method)
		return nil
	}
	return cmd
}
