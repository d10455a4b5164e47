package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/internal/reaper"
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

// reap is prenv reap, and the Action's reap mode.
func (a *App) reap(ctx context.Context, f *envFlags, r *reapFlags) error {
	prs, gh, err := a.prSource(ctx, f, r)
	if err != nil {
		return err
	}
	s, err := a.open(ctx, f, false)
	if err != nil {
		return err
	}
	repo, err := a.repo(ctx, f.repo)
	if err != nil {
		return err
	}
	home, err := a.home()
	if err != nil {
		return err
	}
	opts := r.opts
	opts.Repo = repo
	opts.Protect = append(slices.Clone(s.bp.Policy.Protect), r.opts.Protect...)
	opts.Out, opts.Log = a.Stdout, a.Stderr
	opts.StepSummary = a.Getenv("GITHUB_STEP_SUMMARY")
	opts.SightingsDir = filepath.Join(home, "orphans")
	rp := &reaper.Reaper{Project: s.bp.Project, Engine: s.engine, PRs: prs, Orphans: a.orphanFinders(s)}
	if gh != nil {
		rp.Notifier = gh
	}
	return rp.Run(ctx, opts)
}

// prSource is where the reap reads the open PRs: --open-prs or its file,
// or else GitHub. With a token it also returns GitHub, for the
// deployments and comments.
func (a *App) prSource(ctx context.Context, f *envFlags, r *reapFlags) (reaper.PRSource, *reaper.GitHub, error) {
	var gh *reaper.GitHub
	if token := firstOf(r.githubToken, a.Getenv("GITHUB_TOKEN")); token != "" {
		repo, err := a.repo(ctx, f.repo)
		if err != nil {
			return nil, nil, err
		}
		gh, err = reaper.NewGitHub(reaper.GitHubConfig{Repo: repo, Token: token, APIURL: a.Getenv("GITHUB_API_URL"), Log: a.Stderr})
		if err != nil {
			return nil, nil, usage(err)
		}
	}
	if r.openPRs != "" || r.openPRsFile != "" {
		open, err := r.openPRList()
		if err != nil {
			return nil, nil, err
		}
		static := reaper.StaticPRs{Open: open}
		if gh != nil {
			static.Confirm = gh
		}
		return static, gh, nil
	}
	if gh == nil {
		return nil, nil, usage(errors.New("reap needs the complete list of open PRs: set GITHUB_TOKEN to ask GitHub, or pass --open-prs 1,2,3 or --open-prs-file FILE (an empty file means none are open)"))
	}
	return gh, gh, nil
}

// openPRList reads the open pull requests from --open-prs or its file.
func (r *reapFlags) openPRList() ([]int, error) {
	text := r.openPRs
	switch {
	case r.openPRs != "" && r.openPRsFile != "":
		return nil, usage(errors.New("--open-prs and --open-prs-file both give the open PRs: pass one"))
	case r.openPRsFile != "":
		data, err := os.ReadFile(r.openPRsFile)
		if err != nil {
			return nil, usage(fmt.Errorf("read --open-prs-file: %w", err))
		}
		text = string(data)
	}
	open, err := reaper.ParseOpenPRs(text)
	return open, usage(err)
}
