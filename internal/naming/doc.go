// Package naming turns a pull request number into every name prenv gives
// the systems it touches: the stack, the Kubernetes namespace, the database,
// its role, the DNS label and the RDS identifier.
//
// Names are derived only from the blueprint's project name and the PR
// number, never from a branch name or a PR title, so nothing a contributor
// types can reach an identifier, a shell or a SQL statement. Every name is
// checked against the limits of the system that receives it.
//
//	n, err := naming.ForPR("shop", 42)
//	// n.Stack == "pr-42", n.Namespace == "pr-42", n.Database == "prenv_shop_pr_42"
package naming
