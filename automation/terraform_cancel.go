package automation

import (
	"context"
	"fmt"

	"github.com/prenv/prenv/stacks"
)

// Cancel removes the lock record of env's workspace if no process holds
// its lock, and otherwise returns a *LockedError naming the holder. The
// local backend's lock itself dies with its process, so only a killed
// run's record can be stale.
func (t *Terraform) Cancel(_ context.Context, env stacks.Env, opts ...Option) (CancelResult, error) {
	o := Resolve(opts)
	if h, locked := t.lockHolder(env.Stack); locked {
		return CancelResult{Locks: []LockHolder{h}}, &LockedError{Stack: env.Stack, Holders: []LockHolder{h}}
	}
	rec := t.lockRecord(env.Stack)
	if rec.URL == "" {
		return CancelResult{}, nil
	}
	line, err := t.breakStaleRecord(env.Stack)
	if err != nil {
		return CancelResult{Locks: []LockHolder{rec}}, err
	}
	if line != "" {
		fmt.Fprintln(o.Progress, line)
	}
	return CancelResult{Locks: []LockHolder{rec}, Broken: line != ""}, nil
}
