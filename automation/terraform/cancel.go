package terraform

import (
	"context"
	"fmt"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// Cancel removes the lock record of env's workspace if no process holds
// its lock, and otherwise returns an *automation.LockedError naming the
// holder. The local backend's lock itself dies with its process, so only
// a killed run's record can be stale.
func (t *Engine) Cancel(_ context.Context, env stacks.Env, opts ...automation.Option) (automation.CancelResult, error) {
	o := automation.Resolve(opts)
	if h, locked := t.lockHolder(env.Stack); locked {
		return automation.CancelResult{Locks: []automation.LockHolder{h}}, &automation.LockedError{Stack: env.Stack, Holders: []automation.LockHolder{h}}
	}
	rec := t.lockRecord(env.Stack)
	if rec.URL == "" {
		return automation.CancelResult{}, nil
	}
	line, err := t.breakStaleRecord(env.Stack)
	if err != nil {
		return automation.CancelResult{Locks: []automation.LockHolder{rec}}, err
	}
	if line != "" {
		fmt.Fprintln(o.Progress, line)
	}
	return automation.CancelResult{Locks: []automation.LockHolder{rec}, Broken: line != ""}, nil
}
