package events

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// Version is the version of the Event format this build writes.
const Version = 1

// Kind is what an operation did to an environment.
type Kind string

// The kinds of event. A reap is a destroy the reaper decided.
const (
	KindUp      Kind = "up"
	KindRefresh Kind = "refresh"
	KindDestroy Kind = "destroy"
	KindReap    Kind = "reap"
	// KindExtend is an up that only moved the expiry (prenv extend).
	KindExtend Kind = "extend"
)

// Teardown reports whether k takes an environment down.
func (k Kind) Teardown() bool { return k == KindDestroy || k == KindReap }

// Result is how an operation ended.
type Result string

// The results of an operation.
const (
	ResultOK        Result = "ok"
	ResultFailed    Result = "failed"
	ResultCancelled Result = "cancelled"
	ResultLocked    Result = "locked" // another run held the stack's lock
)

// Classify names how an operation that returned err under ctx ended.
func Classify(ctx context.Context, err error) Result {
	switch {
	case err == nil:
		return ResultOK
	case automation.IsLocked(err):
		return ResultLocked
	case errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled):
		return ResultCancelled
	default:
		return ResultFailed
	}
}

// Trigger is what started an operation: the CLI, a mode of the Action
// (action:up, action:destroy, action:refresh, action:post), or the reaper.
type Trigger string

// The triggers besides the Action's modes.
const (
	TriggerCLI    Trigger = "cli"
	TriggerReaper Trigger = "reaper"
)

// ActionTrigger is the trigger of the Action's mode.
func ActionTrigger(mode string) Trigger { return Trigger("action:" + mode) }

// Event is one operation on one environment, as it is stored: a small
// JSON object.
type Event struct {
	Version int               `json:"version"`
	Project string            `json:"project"`
	Env     string            `json:"env"`
	PR      int               `json:"pr,omitempty"` // 0 for the baseline
	Engine  stacks.EngineName `json:"engine"`
	Target  stacks.TargetName `json:"target"`
	Kind    Kind              `json:"kind"`
	// First marks an up that created the environment; an up of one that
	// existed is an update. Known only for an up that succeeded.
	First   bool           `json:"first,omitempty"`
	Start   time.Time      `json:"start"`
	End     time.Time      `json:"end"`
	Result  Result         `json:"result"`
	Changes map[string]int `json:"changes,omitempty"` // resource operations by kind, as automation.Result has them
	// URLReady is the time from Start until the environment's URL
	// answered, when the up waited for it (the Action's wait-for-url).
	URLReady Seconds `json:"url_ready_seconds,omitzero"`
	// ExpiresAt is the environment's expiry after an up or extend, and
	// before a reap; zero when the operation does not know it.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	Trigger   Trigger   `json:"trigger"`
	Run       *Run      `json:"run,omitempty"` // nil outside GitHub Actions
	// Footprint is what the environment runs after an up; nil on other
	// kinds.
	Footprint *stacks.Footprint `json:"footprint,omitempty"`
}

// Run is the GitHub Actions run an operation was a step of.
type Run struct {
	Repo    string `json:"repository"`
	ID      int64  `json:"id"`
	Attempt int    `json:"attempt"`
	Job     string `json:"job,omitempty"`
}

// Duration is how long the operation ran.
func (e Event) Duration() time.Duration { return e.End.Sub(e.Start) }

// Seconds is a duration written in JSON as a number of seconds.
type Seconds time.Duration

// MarshalJSON writes s as seconds.
func (s Seconds) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(s).Seconds()) }

// UnmarshalJSON reads seconds.
func (s *Seconds) UnmarshalJSON(data []byte) error {
	var f float64
	if err := json.Unmarshal(data, &f); err != nil {
		return err
	}
	*s = Seconds(f * float64(time.Second))
	return nil
}
