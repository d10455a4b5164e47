package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/actions"
	"github.com/prenv/prenv/internal/github"
	"github.com/prenv/prenv/internal/reaper"
	"github.com/prenv/prenv/stacks"
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
		run := &actionRun{App: a, r: &actions.Runner{Getenv: a.Getenv, Stdout: a.Stdout}}
		var err error
		if post {
			err = run.post(cmd.Context())
		} else {
			err = run.main(cmd.Context())
		}
		if err != nil {
			run.r.Error(err.Error())
		}
		return err
	}
	return cmd
}

// actionRun is one step of the Action.
type actionRun struct {
	*App
	r    *actions.Runner
	in   actions.Inputs
	plan actions.Plan
	gh   *github.Client
}

func (x *actionRun) main(ctx context.Context) error {
	in, err := actions.ReadInputs(x.r)
	if in.GitHubToken != "" {
		x.r.AddMask(in.GitHubToken)
	}
	if err != nil {
		return usage(err)
	}
	x.in = in
	ev, err := actions.ReadEvent(x.Getenv("GITHUB_EVENT_NAME"), x.Getenv("GITHUB_EVENT_PATH"))
	if err != nil {
		return usage(err)
	}
	if x.plan, err = actions.Decide(in, ev); err != nil {
		return usage(err)
	}
	if x.plan.Mode == actions.ModeSkip {
		x.r.Notice("prenv skipped this run: " + x.plan.Reason)
		return nil
	}
	if err := x.connect(ctx); err != nil {
		return err
	}
	switch x.plan.Mode {
	case actions.ModeReap:
		return x.reap(ctx, &envFlags{blueprint: x.blueprintPath(), backend: in.BackendURL, adjust: x.adjust},
			&reapFlags{githubToken: in.GitHubToken, opts: reapOptions(in)})
	case actions.ModeUp, actions.ModePreview:
		return x.up(ctx, ev)
	case actions.ModeDestroy:
		return x.destroy(ctx, x.flags())
	default: // refresh, output
		return x.query(ctx)
	}
}

// connect makes the GitHub client the run needs, and checks the PR it acts
// on exists, before anything changes.
func (x *actionRun) connect(ctx context.Context) error {
	needsGitHub := x.plan.PR != 0 && (x.in.CommentOnPR || x.in.Deployment)
	token := firstOf(x.in.GitHubToken, x.Getenv("GITHUB_TOKEN"))
	if token == "" {
		if needsGitHub {
			return usage(errors.New("input github-token is empty: the PR comment and deployment need it; pass github-token: ${{ github.token }}, or set comment-on-pr and deployment to false"))
		}
		return nil
	}
	repo, err := x.repo(ctx, "")
	if err != nil {
		return err
	}
	if x.gh, err = github.New(github.Config{Repo: repo, Token: token, APIURL: x.Getenv("GITHUB_API_URL")}); err != nil {
		return usage(err)
	}
	if needsGitHub {
		_, err = x.gh.PullRequest(ctx, x.plan.PR)
	}
	return err
}

// blueprintPath is the blueprint input inside work-dir.
func (x *actionRun) blueprintPath() string {
	if filepath.IsAbs(x.in.Blueprint) {
		return x.in.Blueprint
	}
	return filepath.Join(x.in.WorkDir, x.in.Blueprint)
}

// flags are the envFlags the inputs amount to.
func (x *actionRun) flags() *envFlags {
	f := &envFlags{
		blueprint: x.blueprintPath(), backend: x.in.BackendURL, env: x.plan.Env,
		waitForLock: x.in.WaitForLock, maxJobTime: 6 * time.Hour, adjust: x.adjust,
		diffs: x.plan.Mode == actions.ModeUp || x.plan.Mode == actions.ModePreview,
	}
	if x.plan.PR != 0 {
		f.pr = fmt.Sprint(x.plan.PR)
	}
	if base := x.Getenv("GITHUB_BASE_REF"); base != "" && x.Getenv("PRENV_BASE_REF") == "" {
		f.base = "origin/" + base
	}
	return f
}

// reapOptions are the reaper's defaults with the reap inputs applied.
func reapOptions(in actions.Inputs) reaper.Options {
	opts := reaper.DefaultOptions()
	opts.DryRun, opts.MaxDeletions = in.ReapDryRun, in.ReapMaxDeletions
	return opts
}

// adjust applies the engine, target and ttl inputs to the blueprint.
func (x *actionRun) adjust(bp *stacks.Blueprint) error {
	if x.in.Engine != "" {
		bp.Engine = x.in.Engine
	}
	if x.in.Target != "" {
		bp.Target = x.in.Target
	}
	if x.in.TTL > 0 {
		if x.in.TTL > bp.Policy.MaxTTL.Duration {
			return fmt.Errorf("input ttl %s is longer than the blueprint's policy.max-ttl %s: shorten it or raise the policy", x.in.TTL, bp.Policy.MaxTTL)
		}
		bp.TTL.Duration = x.in.TTL
	}
	return nil
}

// saveState records what the post step needs; it is written before the
// engine runs, so a cancelled step still leaves it.
func (x *actionRun) saveState(s *session) error {
	host, _ := os.Hostname()
	for k, v := range map[string]string{
		"env": s.env.Name, "blueprint": x.blueprintPath(), "backend": x.in.BackendURL, "host": host,
		"engine": x.in.Engine, "target": x.in.Target,
		// A preview's post step never destroys the environment it previewed.
		"destroy-on-post": fmt.Sprint(x.in.DestroyOnPost && x.plan.Mode == actions.ModeUp), "remove": fmt.Sprint(x.in.Remove),
	} {
		if err := x.r.SaveState(k, v); err != nil {
			return err
		}
	}
	return nil
}
