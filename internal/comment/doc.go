// Package comment renders what one run did to an environment as the
// Markdown of the PR's sticky comment and the step summary: status, URL,
// expiry, changes, which services the PR runs, a diagram, the outputs
// (secrets masked) and the log's end, cut to fit GitHub's limit.
//
//	body := comment.Report{Env: "pr-7", Status: comment.StatusReady, URL: url}.Markdown(comment.CommentLimit)
package comment
