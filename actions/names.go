package actions

// InputNames are the inputs action.yml declares, in its order.
var InputNames = []string{
	"command", "blueprint", "work-dir", "stack-name", "pr-number", "engine", "deploy-target",
	"backend-url", "allow-local-state", "secrets-provider", "config-map", "github-token",
	"comment-on-pr", "comment-on-summary", "deployment", "destroy-on-post", "remove",
	"wait-for-lock", "ttl", "refresh", "diff",
	// pulumi/actions' inputs, with its meaning
	"target", "target-dependents", "suppress-outputs", "expect-no-changes", "message", "pulumi-version",
	"require-label", "include-drafts",
	"reap-dry-run", "reap-max-deletions", "wait-for-url",
	"stats-since",
	"test-command", "test-timeout", "ephemeral",
}

// OutputNames are the fixed outputs action.yml declares. Every stack
// output is also set under its own name.
var OutputNames = []string{"preview-url", "stack-name", "env", "expires-at", "changed", "output"}
