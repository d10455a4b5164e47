package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/automation/pulumi"
	"github.com/prenv/prenv/stacks"
)

func (a *App) schemaCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of prenv.yaml, for editors",
		Args:  exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			data, err := stacks.JSONSchema()
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.Stdout, "%s\n", data)
			return err
		},
	}
}

func (a *App) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print prenv's version and the pulumi CLI it uses",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(a.Stdout, "prenv %s\n", Version)
			fmt.Fprintf(a.Stdout, "pulumi %s\n", a.pulumiVersion(cmd.Context()))
			return nil
		},
	}
}

func (a *App) pulumiVersion(ctx context.Context) string {
	self, _ := os.Executable()
	path, err := pulumi.Find(a.Getenv("PRENV_PULUMI"), "bin", filepath.Dir(self))
	if err != nil {
		return "not found: " + err.Error()
	}
	v, err := pulumi.Check(ctx, path)
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("%s (%s)", v, path)
}
