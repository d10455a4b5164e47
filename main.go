// Command prenv gives every pull request its own preview environment.
//
// Run as pulumi-resource-prenv (a link that `make build` makes beside it),
// the same binary serves the local target's provider plugin to pulumi.
// Run as prenv-action-post (the Action's post-entrypoint), it is
// `prenv action --post`.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/prenv/prenv/internal/cli"
	"github.com/prenv/prenv/stacks/local"
)

func main() {
	if filepath.Base(os.Args[0]) == local.PluginBinary {
		if err := local.Serve(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	args := os.Args
	if filepath.Base(args[0]) == cli.PostProgram {
		args = []string{args[0], "action", "--post"} // the runner passes the main step's args too
	}
	os.Exit(cli.Main(args, os.Stdin, os.Stdout, os.Stderr))
}
