// Command prenv gives every pull request its own preview environment.
//
// Run as pulumi-resource-prenv (a link that `make build` makes beside it),
// the same binary serves the local target's provider plugin to pulumi.
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
	os.Exit(cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
