package github

import (
	"context"
	"fmt"

	gh "github.com/google/go-github/v74/github"
)

// PullRequest is what prenv reads of a pull request.
type PullRequest struct {
	Number   int
	State    string // open or closed
	Draft    bool
	HeadSHA  string
	HeadRepo string // owner/name of the head branch's repository
	BaseRepo string
	Labels   []string
}

// Fork reports whether the PR comes from another repository, whose runs
// GitHub gives no secrets.
func (p PullRequest) Fork() bool { return p.HeadRepo != "" && p.HeadRepo != p.BaseRepo }

// PageSize is the largest page GitHub serves, and the one prenv asks for.
const PageSize = 100

const perPage = PageSize

// OpenPRs lists every open pull request, in ceil(open/100) calls. It
// returns the complete list or an error, never a part: a page that fails,
// does not decode, or is short while GitHub says more follow, fails the
// whole listing.
func (c *Client) OpenPRs(ctx context.Context) ([]PullRequest, error) {
	const what = "list the open pull requests"
	opts := &gh.PullRequestListOptions{State: "open", ListOptions: gh.ListOptions{PerPage: perPage}}
	seen := map[int]bool{}
	var open []PullRequest
	for page := 1; ; {
		opts.Page = page
		prs, resp, err := c.gh.PullRequests.List(ctx, c.owner, c.name, opts)
		if err != nil {
			return nil, explain(fmt.Sprintf("%s (page %d)", what, page), "pull-requests: read", err)
		}
		if resp.NextPage != 0 && len(prs) < perPage {
			return nil, fmt.Errorf("%s: page %d held %d of %d pull requests yet GitHub says more follow: the listing is incomplete, so nothing is reaped", what, page, len(prs), perPage)
		}
		for _, pr := range prs {
			if pr.GetNumber() <= 0 {
				return nil, fmt.Errorf("%s: page %d holds a pull request without a number: the listing is unreadable, so nothing is reaped", what, page)
			}
			if !seen[pr.GetNumber()] {
				seen[pr.GetNumber()] = true
				open = append(open, convert(pr))
			}
		}
		if resp.NextPage == 0 {
			return open, nil
		}
		page = resp.NextPage
	}
}

// PullRequest reads one pull request.
func (c *Client) PullRequest(ctx context.Context, number int) (PullRequest, error) {
	pr, _, err := c.gh.PullRequests.Get(ctx, c.owner, c.name, number)
	if err != nil {
		return PullRequest{}, explain(fmt.Sprintf("read pull request #%d of %s", number, c.repo), "pull-requests: read", err)
	}
	return convert(pr), nil
}

func convert(pr *gh.PullRequest) PullRequest {
	p := PullRequest{
		Number:   pr.GetNumber(),
		State:    pr.GetState(),
		Draft:    pr.GetDraft(),
		HeadSHA:  pr.GetHead().GetSHA(),
		HeadRepo: pr.GetHead().GetRepo().GetFullName(),
		BaseRepo: pr.GetBase().GetRepo().GetFullName(),
	}
	for _, l := range pr.Labels {
		p.Labels = append(p.Labels, l.GetName())
	}
	return p
}
