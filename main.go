// Command prenv gives every pull request its own preview environment.
package main

import (
	"os"

	"github.com/prenv/prenv/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
