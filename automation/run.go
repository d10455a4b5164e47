package automation

import (
	"context"
	"fmt"
)

// RunInfo identifies the GitHub Actions run, attempt and job an operation
// belongs to, as GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT and
// GITHUB_JOB name them. The zero value is an operation outside Actions.
type RunInfo struct {
	Repo    string // owner/name
	RunID   int64
	Attempt int
	Job     string
}

// IsZero reports whether r names no run.
func (r RunInfo) IsZero() bool { return r.RunID == 0 }

// String names the run as GitHub shows it: "run 123 attempt 1 of acme/shop".
func (r RunInfo) String() string {
	if r.IsZero() {
		return "no GitHub Actions run"
	}
	return fmt.Sprintf("run %d attempt %d of %s", r.RunID, r.Attempt, r.Repo)
}

// RunChecker asks whether run's attempt has completed. An error means the
// answer is unknown, and a lock of that run is then kept.
type RunChecker func(ctx context.Context, run RunInfo) (completed bool, err error)
