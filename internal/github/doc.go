// Package github is prenv's narrow view of GitHub's REST API: the complete
// list of open pull requests for the reaper, one pull request and the
// files it changes, the sticky comment an environment keeps on its PR,
// deployments, and whether a workflow run has completed (for a lock that
// run left).
//
// It honours GITHUB_API_URL, so it works against GitHub Enterprise Server
// and against a local test server, retries 5xx responses and secondary
// rate limits with backoff, and turns GitHub's refusals into one-line
// errors that name the fix. It never logs, and its errors never carry the
// token.
package github
