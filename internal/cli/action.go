package cli

import (
	"github.com/spf13/cobra"

	"github.com/prenv/prenv/actions"
)

// PostProgram is the name the Action's post-entrypoint runs prenv by.
const PostProgram = "prenv-action-post"

func (a *App) actionCommand() *cobra.Command {
	var post bool
	cmd := &cobra.Command{
		Use:   "action",
		Short: "Run as a GitHub Actions step (inputs from INPUT_*, the event from GITHUB_EVENT_PATH)",
		Long: "action is the entrypoint of prenv's GitHub Action. It reads the step's inputs and event as the runner gives them, " +
			"picks up, destroy or reap from the event (command: auto), and writes outputs, the PR comment, the deployment and the step summary. " +
			"With --post it is the post step: it releases a lock the main step left and, with destroy-on-post, destroys the environment.",
		Args: exactArgs(0),
	}
	cmd.Flags().BoolVar(&post, "post", false, "run the post step")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		step := &actions.Step{Runner: &actions.Runner{Getenv: a.Getenv, Stdout: a.Stdout}, Progress: a.Stderr}
		run := step.Main
		if post {
			run = step.Post
		}
		err := run(cmd.Context())
		if err != nil {
			step.Runner.Error(err.Error())
		}
		return err
	}
	return cmd
}
