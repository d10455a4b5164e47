package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/prenv/prenv/internal/session"
	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/local"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/actions"
	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/github"
	"github.com/prenv/prenv/internal/naming"
)

// reapFlags are prenv reap's own flags.
type reapFlags struct {
	openPRs      string
	openPRsFile  string
	githubToken  string
	dryRun       bool
	force        bool
	maxDeletions int
	concurrency  int
	protect      []string
	orphanGrace  time.Duration
	// deleteOrphans deletes the aws target's orphaned namespaces, which
	// are otherwise only reported.
	deleteOrphans bool
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
	fs := cmd.Flags()
	fs.StringVar(&r.openPRs, "open-prs", "", "comma-separated numbers of the open pull requests, instead of asking GitHub")
	fs.StringVar(&r.openPRsFile, "open-prs-file", "", "file listing the open pull requests, one number a line, instead of asking GitHub")
	fs.StringVar(&r.githubToken, "github-token", "", "token for GitHub's API (default $GITHUB_TOKEN)")
	fs.BoolVar(&r.dryRun, "dry-run", false, "print the plan and change nothing")
	fs.BoolVar(&r.force, "force", false, "allow reaping more than half of the stacks")
	fs.IntVar(&r.maxDeletions, "max-deletions", automation.DefaultMaxDeletions, "most stacks one run may destroy")
	fs.IntVar(&r.concurrency, "concurrency", 4, "destroys run at once")
	fs.StringSliceVar(&r.protect, "protect", nil, "globs of stack names never reaped (added to the blueprint's policy.protect)")
	fs.DurationVar(&r.orphanGrace, "orphan-grace", time.Hour, "how long a local resource without a stack is reported before it is deleted")
	fs.BoolVar(&r.deleteOrphans, "delete-orphans", false, "aws target: delete the orphaned namespaces older than --orphan-grace, which are otherwise only reported")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return a.reap(cmd.Context(), f, r)
	}
	return cmd
}

// reap is prenv reap, and the Action's reap mode.
func (a *App) reap(ctx context.Context, f *envFlags, r *reapFlags) error {
	open, gh, err := a.openPRs(ctx, f, r)
	if err != nil {
		return err
	}
	s, err := a.open(ctx, f, false)
	if err != nil {
		return err
	}
	list, err := s.Engine.List(ctx)
	if err != nil {
		return err
	}
	repo, err := a.host().Repo(ctx, f.repo)
	if err != nil {
		return err
	}
	plan, planErr := automation.PlanReap(list, automation.ReapPolicy{
		Now: time.Now(), OpenPRs: open, Protect: append(s.Blueprint.Policy.Protect, r.protect...),
		MaxDeletions: r.maxDeletions, Force: r.force, Repo: repo,
	})
	if planErr == nil {
		planErr = unreadableLifetimes(plan)
	}
	if planErr == nil && gh != nil && len(open) >= github.PageSize {
		planErr = confirmClosed(ctx, gh, plan)
	}
	var results []automation.ReapResult
	switch {
	case planErr != nil:
		a.reportReap(plan, nil, "refused, not run")
		return planErr
	case r.dryRun:
		a.reportReap(plan, nil, "dry run")
	default:
		results = automation.Reap(ctx, s.Engine, s.Blueprint.Project, plan, r.concurrency, automation.Progress(a.Stderr))
		a.reportReap(plan, results, "")
	}
	var failed []error
	for _, res := range results {
		if res.Err != nil {
			failed = append(failed, fmt.Errorf("%s: %w", res.Stack.Name, res.Err))
			continue
		}
		if gh != nil {
			failed = append(failed, gh.DeactivateDeployments(ctx, res.Stack.Name))
		}
		if gh != nil && res.Reason == "expired" {
			failed = append(failed, a.commentExpired(ctx, gh, s.Blueprint.Project, res))
		}
	}
	var names []string
	for _, st := range list {
		names = append(names, st.Name)
	}
	if lt, ok := s.Target.(local.Target); ok {
		failed = append(failed, a.sweepLocalOrphans(ctx, s, lt, names, r)...)
	}
	if s.Blueprint.Target == stacks.TargetAWS {
		failed = append(failed, a.sweepAWSOrphans(ctx, s.Blueprint, names, r))
	}
	return errors.Join(failed...)
}

// openPRs reads the open pull requests from --open-prs or its file, or
// else from GitHub. It returns the GitHub client when it has a token, for
// the comments on expired environments.
func (a *App) openPRs(ctx context.Context, f *envFlags, r *reapFlags) ([]int, *github.Client, error) {
	var gh *github.Client
	if token := session.FirstOf(r.githubToken, a.Getenv("GITHUB_TOKEN")); token != "" {
		repo, err := a.host().Repo(ctx, f.repo)
		if err != nil {
			return nil, nil, err
		}
		if gh, err = github.New(github.Config{Repo: repo, Token: token, APIURL: a.Getenv("GITHUB_API_URL")}); err != nil {
			return nil, nil, usage(err)
		}
	}
	if r.openPRs != "" || r.openPRsFile != "" {
		open, err := r.openPRList()
		return open, gh, err
	}
	if gh == nil {
		return nil, nil, usage(errors.New("reap needs the complete list of open PRs: set GITHUB_TOKEN to ask GitHub, or pass --open-prs 1,2,3 or --open-prs-file FILE (an empty file means none are open)"))
	}
	prs, err := gh.OpenPRs(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("%w; nothing was reaped", err)
	}
	a.notice(fmt.Sprintf("%d open pull requests in %s, read in %d GitHub calls", len(prs), gh.Repo(), gh.Calls()))
	open := make([]int, 0, len(prs))
	for _, pr := range prs {
		open = append(open, pr.Number)
	}
	return open, gh, nil
}

// unreadableLifetimes fails a plan in which no pr-<n> stack could be
// proven prenv's while some exist: on backends whose state prenv cannot
// read, every run would otherwise quietly keep every stack forever.
func unreadableLifetimes(plan []automation.ReapDecision) error {
	var owned, unread int
	for _, d := range plan {
		switch {
		case d.PR == 0:
		case d.Stack.CreatedAt.IsZero():
			unread++
		default:
			owned++
		}
	}
	if owned == 0 && unread > 0 {
		return fmt.Errorf("none of the %d pr-<n> stacks shows prenv's lifetime outputs, so none can be reaped: prenv reads them from file:// backends only for now; destroy these with prenv destroy --pr N", unread)
	}
	return nil
}

// confirmClosed asks GitHub about each PR the plan reaps as closed. A
// listing of more than one page can miss a PR when another closes while
// it is read (the pages shift), and a missed PR looks closed; so past one
// page, each candidate (at most --max-deletions) is checked on its own.
func confirmClosed(ctx context.Context, gh *github.Client, plan []automation.ReapDecision) error {
	for _, d := range plan {
		if !d.Reap || d.Reason != "closed" {
			continue
		}
		pr, err := gh.PullRequest(ctx, d.PR)
		if err != nil && github.StatusCode(err) != http.StatusNotFound {
			return fmt.Errorf("confirm that PR #%d is closed: %w; nothing was reaped", d.PR, err)
		}
		if err == nil && pr.State != "closed" {
			return fmt.Errorf("PR #%d is open but the listing missed it (PRs changed while it was read): nothing was reaped; run again", d.PR)
		}
	}
	return nil
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
	var open []int
	for _, field := range strings.FieldsFunc(text, func(c rune) bool { return c == ',' || c == '\n' || c == ' ' }) {
		pr, err := naming.ParsePR(field)
		if err != nil {
			return nil, usage(fmt.Errorf("open PR list: %w", err))
		}
		open = append(open, pr)
	}
	return open, nil
}

// commentExpired tells an open PR its environment expired and was removed.
func (a *App) commentExpired(ctx context.Context, gh *github.Client, project string, res automation.ReapResult) error {
	report := actions.Report{
		Env: res.Stack.Name, Status: "expired",
		Note: fmt.Sprintf("It expired at %s. Push a commit or re-run the preview workflow to recreate it; `prenv extend --pr %d 24h` keeps a live one longer.",
			res.Stack.ExpiresAt.UTC().Format("2006-01-02 15:04 MST"), res.PR),
	}
	_, err := gh.StickyComment(ctx, res.PR, github.Marker(gh.Repo(), project, res.Stack.Name), report.Markdown(actions.CommentLimit))
	return err
}
