package reaper

import (
	"io"
	"time"

	"github.com/prenv/prenv/automation"
)

// The defaults of a reap, which prenv reap's flags and the Action's reap
// mode both start from.
const (
	// DefaultConcurrency is how many destroys run at once.
	DefaultConcurrency = 4
	// DefaultOrphanGrace is how long an orphan is reported before it is
	// deleted: a younger one may belong to an up whose stack is not
	// listed yet.
	DefaultOrphanGrace = time.Hour
	// DefaultMaxDeletions is the most stacks one reap may destroy.
	DefaultMaxDeletions = automation.DefaultMaxDeletions
)

// Options are one reap's settings. Start from DefaultOptions: the zero
// value has no grace period for orphans.
type Options struct {
	// Repo, when set, is the repository (owner/name) the reap is for: a
	// stack that records another repository is never reaped.
	Repo string
	// DryRun prints the plan and changes nothing.
	DryRun bool
	// Force allows a plan that reaps more than half of the stacks, and a
	// sweep of orphans when the project has no stacks at all.
	Force bool
	// MaxDeletions is the most stacks one reap may destroy, and the most
	// environments whose orphans one reap may delete; 0 means
	// DefaultMaxDeletions.
	MaxDeletions int
	// Concurrency is how many destroys run at once; below 1, one.
	Concurrency int
	// Protect are globs of stack names never reaped.
	Protect []string
	// OrphanGrace is how long an orphan is reported before it is deleted.
	OrphanGrace time.Duration
	// DeleteOrphans deletes the orphans their target marks OnRequest (the
	// aws target's namespaces), which are otherwise only reported.
	DeleteOrphans bool
	// Engine are options every destroy is given besides its progress,
	// such as the GitHub run the reap is a step of (automation.Run).
	Engine []automation.Option

	// Out receives the reap's table and a line per orphan; nil discards.
	Out io.Writer
	// Log receives the engines' progress and notices; nil discards.
	Log io.Writer
	// StepSummary, when set, is a Markdown file the table is appended to
	// (what GITHUB_STEP_SUMMARY names in a workflow).
	StepSummary string
	// SightingsDir, when set, is where the first sightings of orphans
	// whose age their target cannot tell are kept across reaps, one
	// <project>.json each. Without it such an orphan is always new.
	SightingsDir string
	// Now is the reap's clock; zero means the time Run starts.
	Now time.Time
}

// DefaultOptions returns the options of a reap given no settings.
func DefaultOptions() Options {
	return Options{
		MaxDeletions: DefaultMaxDeletions,
		Concurrency:  DefaultConcurrency,
		OrphanGrace:  DefaultOrphanGrace,
	}
}

// maxDeletions is MaxDeletions with its default applied.
func (o Options) maxDeletions() int {
	if o.MaxDeletions == 0 {
		return DefaultMaxDeletions
	}
	return o.MaxDeletions
}
