package github

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v74/github"
)

// MaxCommentBody is GitHub's limit on a comment's length, in characters.
const MaxCommentBody = 65536

// Marker is the hidden line that identifies the sticky comment of one
// environment of one project of one repository: two blueprints in one
// repository keep a comment each.
func Marker(repo, project, env string) string {
	return fmt.Sprintf("<!-- prenv:%s:%s:%s -->", repo, project, env)
}

// StickyComment writes body as the PR's comment that carries marker: it
// edits the existing one in place, or creates it when there is none, so a
// PR has one comment per environment however often it is updated. It
// returns the comment's URL.
func (c *Client) StickyComment(ctx context.Context, pr int, marker, body string) (string, error) {
	what := fmt.Sprintf("comment on pull request #%d", pr)
	const perm = "pull-requests: write"
	full := marker + "\n" + body
	existing, err := c.findComment(ctx, pr, marker)
	if err != nil {
		return "", explain(what, perm, err)
	}
	var saved *gh.IssueComment
	if existing != nil {
		saved, _, err = c.gh.Issues.EditComment(ctx, c.owner, c.name, existing.GetID(), &gh.IssueComment{Body: &full})
	} else {
		saved, _, err = c.gh.Issues.CreateComment(ctx, c.owner, c.name, pr, &gh.IssueComment{Body: &full})
	}
	if err != nil {
		return "", explain(what, perm, err)
	}
	return saved.GetHTMLURL(), nil
}

// EditStickyComment rewrites the PR's comment that carries marker, if
// there is one; it creates none. It reports whether it found one.
func (c *Client) EditStickyComment(ctx context.Context, pr int, marker, body string) (bool, error) {
	what := fmt.Sprintf("comment on pull request #%d", pr)
	existing, err := c.findComment(ctx, pr, marker)
	if err != nil || existing == nil {
		return false, explain(what, "pull-requests: write", err)
	}
	full := marker + "\n" + body
	_, _, err = c.gh.Issues.EditComment(ctx, c.owner, c.name, existing.GetID(), &gh.IssueComment{Body: &full})
	return true, explain(what, "pull-requests: write", err)
}

// findComment returns the first comment on pr that carries marker and was
// written by this token's identity, or nil: a marker someone else pasted
// into their own comment is not prenv's.
func (c *Client) findComment(ctx context.Context, pr int, marker string) (*gh.IssueComment, error) {
	self, err := c.identity(ctx)
	if err != nil {
		return nil, err
	}
	opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: perPage}}
	for {
		comments, resp, err := c.gh.Issues.ListComments(ctx, c.owner, c.name, pr, opts)
		if err != nil {
			return nil, err
		}
		for _, cm := range comments {
			if strings.HasPrefix(cm.GetBody(), marker) && self.wrote(cm) {
				return cm, nil
			}
		}
		if resp.NextPage == 0 {
			return nil, nil
		}
		opts.Page = resp.NextPage
	}
}

// identity is who the token writes comments as: a user's login, or, for
// an Actions or App installation token (which cannot read /user), any bot.
type identity struct{ login string }

func (id identity) wrote(cm *gh.IssueComment) bool {
	if id.login != "" {
		return cm.GetUser().GetLogin() == id.login
	}
	return cm.GetUser().GetType() == "Bot"
}

func (c *Client) identity(ctx context.Context) (identity, error) {
	if c.self != nil {
		return *c.self, nil
	}
	user, _, err := c.gh.Users.Get(ctx, "")
	switch code := StatusCode(err); {
	case err == nil:
		c.self = &identity{login: user.GetLogin()}
	case code == http.StatusForbidden || code == http.StatusNotFound:
		c.self = &identity{}
	default:
		return identity{}, err
	}
	return *c.self, nil
}
