package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

func (a *App) debugCommand() *cobra.Command {
	f := &envFlags{}
	var checkout string
	cmd := &cobra.Command{
		Use:   "debug",
		Short: "Print how to read an environment's stack with the pulumi CLI and run its program under a debugger",
		Long: "debug prints the environment variables the plain pulumi CLI needs to open the environment's stack (same backend, project and stack names; " +
			"no secret is printed, only where it is kept), commands that read the stack, and the go run and dlv commands that run the " +
			"target's program from a checkout of prenv, where breakpoints in stacks/<target> are hit.",
		Args: exactArgs(0),
	}
	f.registerProject(cmd)
	cmd.Flags().StringVar(&f.pr, "pr", "", "pull request number of the environment")
	cmd.Flags().StringVar(&f.env, "env", "", "environment name: pr-<n> or baseline (instead of --pr)")
	cmd.Flags().StringVar(&checkout, "checkout", "", "checkout of prenv's source to run the program from (default the working directory)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		o := f.options(true)
		o.Locate = true
		s, err := a.host().Open(cmd.Context(), o)
		if err != nil {
			return err
		}
		if checkout == "" {
			if checkout, err = sourceCheckout(); err != nil {
				return err
			}
		}
		d, err := a.host().Debugging(s, checkout)
		if err != nil {
			return err
		}
		if f.json {
			return writeJSON(a.Stdout, d)
		}
		for _, e := range d.Env {
			fmt.Fprintln(a.Stdout, "export "+e)
		}
		for _, c := range d.Commands {
			fmt.Fprintf(a.Stdout, "\n# %s\n%s\n", c.Why, c.Line)
		}
		return nil
	}
	return cmd
}

// sourceCheckout is the checkout of prenv's source that holds the working
// directory: the directory of a go.mod naming prenv's module.
func sourceCheckout() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.HasPrefix(string(data), "module github.com/prenv/prenv\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", usage(errors.New("the working directory is not inside a checkout of prenv's source: pass --checkout DIR (git clone https://github.com/prenv/prenv)"))
		}
		dir = parent
	}
}
