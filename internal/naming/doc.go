// Package naming turns a pull request number into every name prenv gives
// the systems it touches: the stack, the Kubernetes namespace, the database,
// its role, the DNS label and the RDS identifier.
//
// Names are derived only from the blueprint's project name and the PR
// number, never from a branch name or a PR title, so nothing a contributor
// types can reach an identifier, a shell or a SQL statement. Every name is
// checked against the limits of the system that receives it. A PR group's
// name is the one name a person chooses (on the command line, or in a PR's
// body as "prenv-group: <name>"): ValidateGroup holds it to one DNS label
// before ForGroup makes grp-<name> of it.
//
//	n, err := naming.ForPR("shop", 42)
//	// n.Stack == "pr-42", n.Namespace == "pr-42", n.Database == "prenv_shop_pr_42"
package naming
