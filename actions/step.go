package actions

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/events"
	"github.com/prenv/prenv/internal/github"
	"github.com/prenv/prenv/internal/reaper"
	"github.com/prenv/prenv/internal/session"
	"github.com/prenv/prenv/stacks"
)

// Step is one run of the Action, its main step or its post step, as the
// runner starts it: inputs, event and state from Runner, engine progress
// to Progress.
type Step struct {
	Runner   *Runner
	Progress io.Writer

	in         Inputs
	plan       Plan
	gh         *github.Client
	runs       []automation.Option // the run this step belongs to, and GitHub's word on others (session.Host.LockOptions)
	held       *[]string           // warnings held while workflow commands are stopped
	transcript *transcript         // the end of Progress, for the output output
}

// host is the runner's process as the session package reads it.
func (x *Step) host() session.Host {
	return session.Host{Getenv: x.Runner.Getenv, Notices: x.Progress, Warnings: x.warning}
}

// Main is the Action's main step: it reads the inputs and the event,
// decides the mode, runs it and reports the result as outputs, the PR
// comment, the deployment and the step summary. Bad inputs are
// stacks.InputError.
func (x *Step) Main(ctx context.Context) error {
	in, err := ReadInputs(x.Runner)
	if in.GitHubToken != "" {
		x.Runner.AddMask(in.GitHubToken)
	}
	for _, k := range slices.Sorted(maps.Keys(in.ConfigSecrets)) {
		x.Runner.AddMask(in.ConfigSecrets[k])
	}
	if err != nil {
		return stacks.Input(err)
	}
	x.in = in
	ev, err := ReadEvent(x.Runner.Getenv("GITHUB_EVENT_NAME"), x.Runner.Getenv("GITHUB_EVENT_PATH"))
	if err != nil {
		return stacks.Input(err)
	}
	if x.plan, err = Decide(in, ev); err != nil {
		return stacks.Input(err)
	}
	if x.plan.Mode == ModeSkip {
		x.Runner.Notice("prenv skipped this run: " + x.plan.Reason)
		return nil
	}
	x.recordProgress()
	defer func() { x.warn(x.Runner.SetOutput("output", x.Runner.Redact(x.transcript.String()))) }()
	if x.runs, err = x.host().LockOptions(in.GitHubToken); err != nil {
		return err
	}
	if x.plan.Mode == ModeStats { // reads the backend alone: no GitHub, no lock
		return x.stats(ctx)
	}
	if err := x.connect(ctx); err != nil {
		return err
	}
	switch x.plan.Mode {
	case ModeReap:
		return x.host().Reap(ctx, session.ReapRequest{
			Session: session.Options{
				Blueprint: x.blueprintPath(), Backend: in.BackendURL, AllowLocalState: in.AllowLocalState, SecretsProvider: in.SecretsProvider, Adjust: x.adjust,
			},
			GitHubToken: in.GitHubToken, Options: ReapOptions(in, x.Runner.Stdout, x.Progress),
		})
	case ModeUp, ModePreview:
		return x.up(ctx, ev)
	case ModeDestroy:
		return x.destroy(ctx)
	default: // refresh, output
		return x.query(ctx)
	}
}

// recordProgress keeps the end of Progress from here on for the output
// output.
func (x *Step) recordProgress() {
	x.transcript = newTranscript(outputLimit)
	if x.Progress == nil {
		x.Progress = io.Discard
	}
	x.Progress = io.MultiWriter(x.Progress, x.transcript)
}

// connect makes the GitHub client the run needs, and checks the PR it acts
// on exists, before anything changes.
func (x *Step) connect(ctx context.Context) error {
	needsGitHub := x.plan.PR != 0 && (x.in.CommentOnPR || x.in.Deployment)
	token := session.FirstOf(x.in.GitHubToken, x.Runner.Getenv("GITHUB_TOKEN"))
	if token == "" {
		if needsGitHub {
			return stacks.Input(errors.New("input github-token is empty: the PR comment and deployment need it; pass github-token: ${{ github.token }}, or set comment-on-pr and deployment to false"))
		}
		return nil
	}
	repo, err := x.host().Repo(ctx, "")
	if err != nil {
		return err
	}
	if x.gh, err = github.New(github.Config{Repo: repo, Token: token, APIURL: x.Runner.Getenv("GITHUB_API_URL")}); err != nil {
		return stacks.Input(err)
	}
	if needsGitHub {
		_, err = x.gh.PullRequest(ctx, x.plan.PR)
	}
	return err
}

// blueprintPath is the blueprint input inside work-dir.
func (x *Step) blueprintPath() string {
	if filepath.IsAbs(x.in.Blueprint) {
		return x.in.Blueprint
	}
	return filepath.Join(x.in.WorkDir, x.in.Blueprint)
}

// options are the session options the inputs amount to.
func (x *Step) options() session.Options {
	o := session.Options{
		Blueprint: x.blueprintPath(), Backend: x.in.BackendURL, AllowLocalState: x.in.AllowLocalState, SecretsProvider: x.in.SecretsProvider,
		Env: x.plan.Env, NeedEnv: true, Adjust: x.adjust, Ephemeral: x.in.Ephemeral,
		Program: x.plan.Mode == ModeUp || x.plan.Mode == ModePreview,
		Trigger: events.ActionTrigger(x.plan.Mode),
	}
	if x.plan.Mode == ModeUp {
		o.WaitForURL = x.urlWait() // test-command implies it
	}
	if x.plan.PR != 0 {
		o.PR = fmt.Sprint(x.plan.PR)
	}
	if base := x.Runner.Getenv("GITHUB_BASE_REF"); base != "" && x.Runner.Getenv("PRENV_BASE_REF") == "" {
		o.Base = "origin/" + base
	}
	// Under Actions GitHub lists the PR's files, and git is the fallback.
	if x.plan.PR != 0 && x.Runner.Getenv("GITHUB_ACTIONS") == "true" {
		o.ChangedFiles = x.changedFiles
	}
	return o
}

// adjust applies the engine, deploy-target and ttl inputs to the blueprint.
func (x *Step) adjust(bp *stacks.Blueprint) error {
	if x.in.Engine != "" {
		bp.Engine = x.in.Engine
	}
	if x.in.DeployTarget != "" {
		bp.Target = x.in.DeployTarget
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
func (x *Step) saveState(s *session.Session) error {
	host, _ := os.Hostname()
	for k, v := range map[string]string{
		"env": s.Env.Name, "blueprint": x.blueprintPath(), "backend": x.in.BackendURL, "host": host,
		"engine": string(x.in.Engine), "deploy-target": string(x.in.DeployTarget), "allow-local-state": fmt.Sprint(x.in.AllowLocalState),
		"secrets-provider": x.in.SecretsProvider, "ephemeral": fmt.Sprint(x.in.Ephemeral),
		// A preview's post step never destroys the environment it previewed;
		// an ephemeral environment ends with its job.
		"destroy-on-post": fmt.Sprint((x.in.DestroyOnPost || x.in.Ephemeral) && x.plan.Mode == ModeUp), "remove": fmt.Sprint(x.in.Remove),
	} {
		if err := x.Runner.SaveState(k, v); err != nil {
			return err
		}
	}
	return nil
}

// lockOptions are the engine options every mode shares: the lock's bounds,
// and the run this step belongs to.
func (x *Step) lockOptions() []automation.Option {
	return append([]automation.Option{
		automation.WaitForLock(x.in.WaitForLock), automation.MaxJobTime(automation.DefaultMaxJobTime),
	}, x.runs...)
}

// ReapOptions are the reaper's defaults with the reap inputs applied; the
// table goes to out and progress to log.
func ReapOptions(in Inputs, out, log io.Writer) reaper.Options {
	opts := reaper.DefaultOptions()
	opts.DryRun, opts.MaxDeletions = in.ReapDryRun, in.ReapMaxDeletions
	opts.Out, opts.Log = out, log
	return opts
}
