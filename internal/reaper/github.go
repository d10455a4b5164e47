package reaper

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/prenv/prenv/internal/comment"
	"github.com/prenv/prenv/internal/github"
)

// GitHubConfig says which repository's pull requests the reaper reads on
// GitHub, and as whom.
type GitHubConfig struct {
	Repo   string // owner/name
	Token  string
	APIURL string // defaults to https://api.github.com
	// Log, when set, is told what the open-PR listing cost.
	Log io.Writer
}

// GitHub is a repository's pull requests on GitHub: the reaper's PRSource
// and its Notifier (deployments made inactive, a comment on expiry).
type GitHub struct {
	client *github.Client
	log    io.Writer
}

// NewGitHub returns the GitHub source of cfg's repository. It fails on a
// missing token or a malformed repository or URL, before any request.
func NewGitHub(cfg GitHubConfig) (*GitHub, error) {
	c, err := github.New(github.Config{Repo: cfg.Repo, Token: cfg.Token, APIURL: cfg.APIURL})
	if err != nil {
		return nil, err
	}
	return &GitHub{client: c, log: orDiscard(cfg.Log)}, nil
}

// OpenPRs lists the open pull requests in one paginated listing; a failed
// or incomplete page fails the whole list.
func (g *GitHub) OpenPRs(ctx context.Context) ([]int, error) {
	prs, err := g.client.OpenPRs(ctx)
	if err != nil {
		return nil, err
	}
	notice(g.log, fmt.Sprintf("%d open pull requests in %s, read in %d GitHub calls", len(prs), g.client.Repo(), g.client.Calls()))
	open := make([]int, 0, len(prs))
	for _, pr := range prs {
		open = append(open, pr.Number)
	}
	return open, nil
}

// ConfirmClosed asks GitHub about each of closed on its own once open
// fills a page. A listing of more than one page can miss a PR when
// another closes while it is read (the pages shift), and a missed PR
// looks closed; one page cannot shift.
func (g *GitHub) ConfirmClosed(ctx context.Context, open, closed []int) error {
	if len(open) < github.PageSize {
		return nil
	}
	for _, n := range closed {
		pr, err := g.client.PullRequest(ctx, n)
		if err != nil && github.StatusCode(err) != http.StatusNotFound {
			return fmt.Errorf("confirm that PR #%d is closed: %w; nothing was reaped", n, err)
		}
		if err == nil && pr.State != "closed" {
			return fmt.Errorf("PR #%d is open but the listing missed it (PRs changed while it was read): nothing was reaped; run again", n)
		}
	}
	return nil
}

// DeactivateDeployments marks env's deployments inactive.
func (g *GitHub) DeactivateDeployments(ctx context.Context, env string) error {
	return g.client.DeactivateDeployments(ctx, env)
}

// CommentExpired tells an open PR its environment expired and was
// removed, in the PR's sticky comment for env.
func (g *GitHub) CommentExpired(ctx context.Context, pr int, project, env string, expiresAt time.Time) error {
	report := comment.Report{
		Env: env, Status: comment.StatusExpired,
		Note: fmt.Sprintf("It expired at %s. Push a commit or re-run the preview workflow to recreate it; `prenv extend --pr %d 24h` keeps a live one longer.",
			expiresAt.UTC().Format("2006-01-02 15:04 MST"), pr),
	}
	_, err := g.client.StickyComment(ctx, pr, github.Marker(g.client.Repo(), project, env), report.Markdown(comment.CommentLimit))
	return err
}
