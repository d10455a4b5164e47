package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/internal/reaper"
	"github.com/prenv/prenv/internal/session"
)

// reapFlags are prenv reap's own flags: where the open PRs come from, and
// the reap's options.
type reapFlags struct {
	openPRs     string
	openPRsFile string
	githubToken string
	opts        reaper.Options
}

func (a *App) reapCommand() *cobra.Command {
	f, r := &envFlags{}, &reapFlags{}
	cmd := &cobra.Command{
		Use:   "reap",
		Short: "Destroy the environments of closed PRs and of expired TTLs",
		Long: "reap destroys and removes the pr-<n> stacks prenv created whose PR is closed or whose TTL has passed. " +
			"It reads the open PRs from GitHub in one paginated listing (GITHUB_TOKEN, GITHUB_API_URL), or from --open-prs. " +
			"It never touches baseline, other names or protected stacks, and refuses a plan over --max-deletions or over half of the stacks unless --force.",
		Args: exactArgs(0),
	}
	f.registerProject(cmd)
	r.register(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return a.reap(cmd.Context(), f, r)
	}
	return cmd
}

// register adds the flags, whose defaults are the reaper's.
func (r *reapFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&r.openPRs, "open-prs", "", "comma-separated numbers of the open pull requests, instead of asking GitHub")
	fs.StringVar(&r.openPRsFile, "open-prs-file", "", "file listing the open pull requests, one number a line, instead of asking GitHub")
	fs.StringVar(&r.githubToken, "github-token", "", "token for GitHub's API (default $GITHUB_TOKEN)")
	fs.BoolVar(&r.opts.DryRun, "dry-run", false, "print the plan and change nothing")
	fs.BoolVar(&r.opts.Force, "force", false, "allow reaping more than half of the stacks")
	fs.IntVar(&r.opts.MaxDeletions, "max-deletions", reaper.DefaultMaxDeletions, "most stacks one run may destroy")
	fs.IntVar(&r.opts.Concurrency, "concurrency", reaper.DefaultConcurrency, "destroys run at once")
	fs.StringSliceVar(&r.opts.Protect, "protect", nil, "globs of stack names never reaped (added to the blueprint's policy.protect)")
	fs.DurationVar(&r.opts.OrphanGrace, "orphan-grace", reaper.DefaultOrphanGrace, "how long a local resource without a stack is reported before it is deleted")
	fs.BoolVar(&r.opts.DeleteOrphans, "delete-orphans", false, "aws target: delete the orphaned namespaces older than --orphan-grace, which are otherwise only reported")
}

// reap is prenv reap; the Action's reap mode calls the same session.Host.Reap.
func (a *App) reap(ctx context.Context, f *envFlags, r *reapFlags) error {
	opts := r.opts
	opts.Out, opts.Log = a.Stdout, a.Stderr
	return a.host().Reap(ctx, session.ReapRequest{
		Session: f.options(false), OpenPRs: r.openPRs, OpenPRsFile: r.openPRsFile, GitHubToken: r.githubToken, Options: opts,
	})
}
