package cli

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/session"
	"github.com/prenv/prenv/stacks"
)

// envFlags are the flags of every command that acts on one environment.
type envFlags struct {
	pr        string
	env       string
	blueprint string
	backend   string
	// allowLocalState accepts a file:// backend in CI.
	allowLocalState bool
	// secretsProvider overrides the blueprint's secrets-provider.
	secretsProvider string
	repo            string
	waitForLock     time.Duration
	maxJobTime      time.Duration
	json            bool
	base            string
	// diffs is set by commands that build the program (up, preview),
	// which need the PR's changed files in sandbox mode.
	diffs bool
	// offline keeps the Pulumi engine from downloading plugins.
	offline bool
	// adjust, when set, changes the loaded blueprint before it is used,
	// as the Action's engine, target and ttl inputs do.
	adjust func(*stacks.Blueprint) error
}

// options are the session options the flags amount to.
func (f *envFlags) options(needEnv bool) session.Options {
	return session.Options{
		Blueprint: f.blueprint, Adjust: f.adjust, PR: f.pr, Env: f.env, NeedEnv: needEnv,
		Backend: f.backend, AllowLocalState: f.allowLocalState, SecretsProvider: f.secretsProvider, Repo: f.repo, Base: f.base, Program: f.diffs, Offline: f.offline,
	}
}

func (f *envFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.pr, "pr", "", "pull request number of the environment")
	fs.StringVar(&f.env, "env", "", "environment name: pr-<n> or baseline (instead of --pr)")
	f.registerProject(cmd)
	fs.DurationVar(&f.waitForLock, "wait-for-lock", 0, "how long to wait for another run's lock on the stack, e.g. 5m")
	fs.StringVar(&f.base, "base", "", "git ref the PR is compared with to find its changed services in sandbox mode (default $PRENV_BASE_REF, else the origin's default branch: origin/HEAD, origin/main or origin/master)")
	fs.DurationVar(&f.maxJobTime, "max-job-time", automation.DefaultMaxJobTime, "age past which a lock is stale even if its holder may be alive")
}

// registerOffline adds --offline to a command that runs pulumi.
func (f *envFlags) registerOffline(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.offline, "offline", false, "download no Pulumi plugin: a missing pinned one stops the command, naming its install command (prenv plugins)")
}

// registerProject adds the flags that locate the project's stacks.
func (f *envFlags) registerProject(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.blueprint, "blueprint", "prenv.yaml", "path of the blueprint")
	fs.StringVar(&f.backend, "backend", "", "state backend URL (default $PRENV_BACKEND_URL, $PULUMI_BACKEND_URL, the blueprint's, or file://~/.prenv/state)")
	fs.BoolVar(&f.allowLocalState, "allow-local-state", false, "allow a file:// backend in CI (CI=true or GITHUB_ACTIONS=true), for self-hosted runners whose disk outlives the job")
	fs.StringVar(&f.secretsProvider, "secrets-provider", "", "what encrypts the Pulumi stacks' secrets: passphrase, or a key such as awskms://alias/prenv?region=eu-west-1 (also gcpkms://, azurekeyvault://, hashivault://); default the blueprint's secrets-provider, else passphrase")
	fs.StringVar(&f.repo, "repo", "", "owner/name of the repository (default $GITHUB_REPOSITORY or the git remote)")
	fs.BoolVar(&f.json, "json", false, "print one JSON object instead of text")
}

// lockOptions are the engine options of a command that may meet a lock:
// the flags' bounds, progress to stderr, and what ties locks to GitHub
// runs (this process's run under Actions, and with GITHUB_TOKEN the
// check of another run's status; session.Host.LockOptions).
func (a *App) lockOptions(f *envFlags) ([]automation.Option, error) {
	runs, err := a.host().LockOptions("")
	if err != nil {
		return nil, err
	}
	return append([]automation.Option{
		automation.WaitForLock(f.waitForLock), automation.MaxJobTime(f.maxJobTime), automation.Progress(a.Stderr),
	}, runs...), nil
}
