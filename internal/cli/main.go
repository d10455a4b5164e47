package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// Exit codes, as documented in the README.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
	ExitLocked  = 3
)

// Version is prenv's version, stamped by `make build`.
var Version = "dev"

// usage marks bad input (a wrong flag, blueprint or PR number), on which
// prenv exits with ExitUsage.
func usage(err error) error { return stacks.Input(err) }

// Main runs prenv with args (args[0] is the program name) and returns the
// process exit code. Interrupts cancel the running operation.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	app := &App{Getenv: os.Getenv, Stdin: stdin, Stdout: stdout, Stderr: stderr}
	return app.Run(ctx, args[1:])
}

// App is one invocation of prenv, with its environment injected so tests
// can run it in-process.
type App struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// Run executes the command line and returns the exit code.
func (a *App) Run(ctx context.Context, args []string) int {
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(a.Stdin)
	root.SetOut(a.Stdout)
	root.SetErr(a.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintln(a.Stderr, "prenv: "+err.Error())
	switch {
	case automation.IsLocked(err):
		return ExitLocked
	case stacks.IsInput(err), strings.HasPrefix(err.Error(), "unknown command"):
		return ExitUsage
	default:
		return ExitFailure
	}
}

func (a *App) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "prenv",
		Short:         "One preview environment per pull request",
		Long:          "prenv gives every pull request its own isolated environment (one stack per PR) and takes it away when the PR closes.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usage(err) })
	root.AddCommand(
		a.upCommand(), a.previewCommand(), a.refreshCommand(), a.destroyCommand(),
		a.outputsCommand(), a.lsCommand(), a.cancelCommand(), a.reapCommand(), a.extendCommand(), a.actionCommand(), a.anonymizeCommand(), a.goldenCommand(),
		a.routerCommand(), a.schemaCommand(), a.versionCommand(), a.pluginsCommand(), a.localCommand(), a.renderCommand(), a.routesCommand(), a.debugCommand(), a.statsCommand(), a.eksTokenCommand(), a.stubCommand(), a.groupCommand(),
	)
	return root
}

// exactArgs is cobra.ExactArgs with a usage exit code.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		return usage(cobra.ExactArgs(n)(cmd, args))
	}
}
