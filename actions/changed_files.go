package actions

import (
	"context"
	"errors"
)

// changesUnknownNotice is the comment's line when a sandbox-mode PR's
// changed files could not be listed. It quotes no error: the comment is
// public, and the log has the cause.
const changesUnknownNotice = "Every service runs its own instance: this PR's changed files could not be listed " +
	"(GitHub's listing failed or was incomplete, and the checkout has no base branch to diff against). The run's log says why."

// changedFiles lists the PR's changed files from GitHub, so sandbox mode
// needs no history in the checkout (actions/checkout fetches one commit).
func (x *Step) changedFiles(ctx context.Context) ([]string, error) {
	if x.gh == nil {
		return nil, errors.New("no github-token to list the pull request's files with")
	}
	return x.gh.PullRequestFiles(ctx, x.plan.PR)
}

// noticeUnknownChanges annotates the run when every service runs because
// the PR's changes are unknown; it never fails the run.
func (x *Step) noticeUnknownChanges(env, why string) {
	if why != "" {
		x.Runner.Notice("prenv: every service of " + env + " runs its own instance, since its changed files are unknown: " + why)
	}
}
