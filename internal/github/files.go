package github

import (
	"context"
	"fmt"

	gh "github.com/google/go-github/v74/github"
)

// MaxPRFiles is the most files GitHub lists for one pull request; a PR
// that changes more is listed only in part.
const MaxPRFiles = 3000

// IncompleteFilesError is PullRequestFiles' answer when GitHub's listing
// cannot be the whole of the PR's changes.
type IncompleteFilesError struct {
	PR     int
	Listed int
	Reason string
}

func (e *IncompleteFilesError) Error() string {
	return fmt.Sprintf("GitHub's list of pull request #%d's files is incomplete (%d listed: %s)", e.PR, e.Listed, e.Reason)
}

// PullRequestFiles lists the files pull request number changes, as
// repository-relative paths, in ceil(files/100) calls: a renamed file
// counts under its old and its new name, since it leaves one place and
// enters another. It returns the complete list or an error, never a part:
// a listing at GitHub's cap of MaxPRFiles, or a short page while GitHub
// says more follow, is an *IncompleteFilesError.
func (c *Client) PullRequestFiles(ctx context.Context, number int) ([]string, error) {
	what := fmt.Sprintf("list the files of pull request #%d", number)
	opts := &gh.ListOptions{PerPage: perPage}
	seen := map[string]bool{}
	var files []string
	add := func(name string) {
		if name != "" && !seen[name] {
			seen[name] = true
			files = append(files, name)
		}
	}
	listed := 0
	for page := 1; ; {
		opts.Page = page
		batch, resp, err := c.gh.PullRequests.ListFiles(ctx, c.owner, c.name, number, opts)
		if err != nil {
			return nil, explain(fmt.Sprintf("%s (page %d)", what, page), "pull-requests: read", err)
		}
		listed += len(batch)
		if resp.NextPage != 0 && len(batch) < perPage {
			return nil, &IncompleteFilesError{PR: number, Listed: listed, Reason: fmt.Sprintf("page %d held %d of %d yet GitHub says more follow", page, len(batch), perPage)}
		}
		for _, f := range batch {
			if f.GetFilename() == "" {
				return nil, fmt.Errorf("%s: page %d holds a file without a name: the listing is unreadable", what, page)
			}
			add(f.GetFilename())
			add(f.GetPreviousFilename())
		}
		if listed >= MaxPRFiles {
			return nil, &IncompleteFilesError{PR: number, Listed: listed, Reason: fmt.Sprintf("GitHub lists at most %d", MaxPRFiles)}
		}
		if resp.NextPage == 0 {
			return files, nil
		}
		page = resp.NextPage
	}
}
