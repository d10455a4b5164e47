package stacks

import "time"

// Orphan is something a target made for one of a project's PR
// environments whose stack no longer exists: what a run killed before it
// recorded it, or a stack removed by hand, leaves behind. Each target
// reports its own in this form, so one reaper keeps the grace periods and
// the safety checks for all of them.
type Orphan struct {
	Kind string // in the target's terms: database, role, route, logs, process, namespace
	Name string // the target's name for it: a database, a file, a pid, a namespace
	Env  string // the pr-<n> environment it was made for
	// ID tells it apart from another thing of the same name made before
	// or since (a process's start time, a namespace's UID), so a deletion
	// cannot hit the newcomer. Empty when the name is enough.
	ID string
	// Created is when it was made, when the target can tell; when zero,
	// the reaper counts its age from the first reap that saw it.
	Created time.Time
	// Terminating says it is already being deleted.
	Terminating bool
	// OnRequest says it is deleted only when the operator asks for it
	// (prenv reap --delete-orphans), as a namespace holding a whole
	// environment is; it is otherwise only reported.
	OnRequest bool
}

// Key identifies the orphan across reaps, for its grace period.
func (o Orphan) Key() string {
	if o.ID != "" {
		return o.Kind + ":" + o.Name + ":" + o.ID
	}
	return o.Kind + ":" + o.Name
}
