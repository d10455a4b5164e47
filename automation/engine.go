package automation

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/prenv/prenv/stacks"
)

// Engine holds the state of each environment in one stack.
type Engine interface {
	// Up creates or updates the environment's stack.
	Up(ctx context.Context, env stacks.Env, opts ...Option) (Result, error)
	// Preview reports what Up would change, changing nothing.
	Preview(ctx context.Context, env stacks.Env, opts ...Option) (Result, error)
	// Refresh reconciles the stack's state with the real resources.
	Refresh(ctx context.Context, env stacks.Env, opts ...Option) (Result, error)
	// Destroy deletes the environment's resources and, with Remove, its
	// stack. Destroying a stack that does not exist succeeds.
	Destroy(ctx context.Context, env stacks.Env, opts ...Option) (Result, error)
	// Outputs returns the stack's outputs.
	Outputs(ctx context.Context, env stacks.Env) (map[string]Output, error)
	// List returns the project's stacks.
	List(ctx context.Context) ([]StackInfo, error)
	// Cancel breaks the stack's lock if, and only if, it is stale.
	Cancel(ctx context.Context, env stacks.Env, opts ...Option) (CancelResult, error)
}

// Result is what one operation did.
type Result struct {
	Stack   string
	Op      string         // up, preview, refresh or destroy
	Changes map[string]int // resource operations by kind: create, update, same, delete, ...
	// Outputs are the stack's outputs after the operation. Up reads them
	// from the engine's events, where a secret's value is withheld (Secret
	// is set); call Engine.Outputs for secret values.
	Outputs  map[string]Output
	Duration time.Duration
	// Recovered describes what was repaired before the operation ran: a
	// stale lock broken, pending operations cleared. Empty when nothing was.
	Recovered []string
}

// Changed reports whether the operation changed (or would change) any resource.
func (r Result) Changed() bool {
	for op, n := range r.Changes {
		if op != "same" && op != "read" && n > 0 {
			return true
		}
	}
	return false
}

// Output is one stack output.
type Output struct {
	Value  any
	Secret bool
}

// SecretPlaceholder is the Value of a secret Output that an engine
// withholds, as Up's Result does: Pulumi's events show it in place of the
// ciphertext, and the Terraform engine shows it to match.
const SecretPlaceholder = "[secret]"

// StackInfo describes one stack of the project.
type StackInfo struct {
	Name          string
	LastUpdate    time.Time // zero if never updated
	ResourceCount int
	Running       bool // an update holds the stack now
	// Read from the stack's state (prenv's lifetime outputs and the url
	// output); zero when the state records none.
	CreatedAt, ExpiresAt time.Time
	URL                  string
	Repo                 string // the repository the stack records, if any
	// Members, for a PR group's stack, are its member environments.
	Members []string
}

// CancelResult says what Cancel found and did.
type CancelResult struct {
	Locks  []LockHolder // the locks the stack had
	Broken bool         // whether they were stale and removed
}

// Summary says in a few words what the operation changed: "no changes",
// or counts by kind such as "2 create, 1 update".
func (r Result) Summary() string {
	if !r.Changed() {
		return "no changes"
	}
	var parts []string
	for _, op := range slices.Sorted(maps.Keys(r.Changes)) {
		if n := r.Changes[op]; n > 0 && op != "same" {
			parts = append(parts, fmt.Sprintf("%d %s", n, op))
		}
	}
	return strings.Join(parts, ", ")
}

// State is one word for the stack's state at now: updating, empty,
// expired or up.
func (s StackInfo) State(now time.Time) string {
	switch {
	case s.Running:
		return "updating"
	case s.ResourceCount == 0:
		return "empty"
	case !s.ExpiresAt.IsZero() && now.After(s.ExpiresAt):
		return "expired"
	default:
		return "up"
	}
}
