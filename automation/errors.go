package automation

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrLocked is matched by errors.Is for every error caused by another run
// holding the stack's lock.
var ErrLocked = errors.New("stack is locked")

// ErrStackNotFound is matched by errors.Is when an operation needs a stack
// that does not exist.
var ErrStackNotFound = errors.New("stack not found")

// LockHolder is one lock on a stack, as the backend records it.
type LockHolder struct {
	URL   string // where the lock file lives in the backend
	User  string
	Host  string
	PID   int
	Since time.Time
	// Unreadable marks a lock file that holds no lock record: one a run
	// was killed while writing. Since is then the file's time.
	Unreadable bool
	// Run is the GitHub Actions run that prenv recorded as taking the
	// lock; zero when no record names one (a run outside Actions, or not
	// prenv's).
	Run RunInfo
}

func (h LockHolder) String() string {
	if h.Unreadable {
		return "an unfinished lock file written at " + h.Since.UTC().Format(time.RFC3339)
	}
	s := fmt.Sprintf("%s@%s (pid %d) since %s", h.User, h.Host, h.PID, h.Since.Format(time.RFC3339))
	if h.PID == 0 { // Terraform's S3 lock files name no process
		s = fmt.Sprintf("%s@%s since %s", h.User, h.Host, h.Since.Format(time.RFC3339))
	}
	if !h.Run.IsZero() {
		s += ", " + h.Run.String()
		if h.Run.Job != "" {
			s += " (job " + h.Run.Job + ")"
		}
	}
	return s
}

// LockedError reports that a stack stayed locked by another run.
type LockedError struct {
	Stack   string
	Holders []LockHolder
	Waited  time.Duration
}

func (e *LockedError) Error() string {
	holders := make([]string, len(e.Holders))
	for i, h := range e.Holders {
		holders[i] = h.String()
	}
	who := strings.Join(holders, " and ")
	if who == "" {
		who = "another run"
	}
	return fmt.Sprintf("stack %s is locked by %s (waited %s): let that run finish, raise --wait-for-lock, or run `prenv cancel` once it is dead",
		e.Stack, who, e.Waited.Round(time.Second))
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// IsLocked reports whether err, however wrapped, means the stack was locked.
func IsLocked(err error) bool { return errors.Is(err, ErrLocked) }

// EngineError is a failure reported by an engine's CLI. Its message keeps
// the CLI's own diagnostics, the "error: " lines of Err's text, and drops
// the rest, such as the Automation API's stdout echo.
type EngineError struct {
	Stack string
	Err   error
}

func (e *EngineError) Error() string {
	return fmt.Sprintf("stack %s: %s", e.Stack, diagnostics(e.Err.Error()))
}

func (e *EngineError) Unwrap() error { return e.Err }

// diagnostics picks the error lines out of an Automation API error, whose
// text carries the command's full stdout and stderr. An error's indented
// continuation lines (a service's log, say) stay with it.
func diagnostics(text string) string {
	var keep []string
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(lines[i]), "stderr: "))
		msg, ok := strings.CutPrefix(l, "error: ")
		if !ok {
			continue
		}
		indent := len(lines[i]) - len(strings.TrimLeft(lines[i], " "))
		for i+1 < len(lines) && strings.TrimSpace(lines[i+1]) != "" &&
			len(lines[i+1])-len(strings.TrimLeft(lines[i+1], " ")) >= indent && !strings.Contains(lines[i+1], "error:") {
			i++
			msg += "\n    " + strings.TrimSpace(lines[i])
		}
		if !slices.Contains(keep, msg) {
			keep = append(keep, msg)
		}
	}
	if len(keep) == 0 {
		first, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
		return first
	}
	return strings.Join(keep, "; ")
}
