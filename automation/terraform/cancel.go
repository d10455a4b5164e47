package terraform

import (
	"context"
	"fmt"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// Cancel breaks the lock of env's workspace if it is provably stale, and
// otherwise leaves it alone and returns an *automation.LockedError naming
// the holder. It never interrupts a live run. On the local backend, whose
// lock dies with its process, only a killed run's record can be stale.
func (t *Engine) Cancel(ctx context.Context, env stacks.Env, opts ...automation.Option) (automation.CancelResult, error) {
	o := automation.Resolve(opts)
	v, err := t.backend.inspect(ctx, env.Stack, o)
	if err != nil || !v.found {
		return automation.CancelResult{}, err
	}
	res := automation.CancelResult{Locks: []automation.LockHolder{v.holder}}
	if v.stale == "" {
		return res, &automation.LockedError{Stack: env.Stack, Holders: res.Locks}
	}
	line, err := t.breakStale(ctx, env.Stack, o)
	if err != nil {
		return res, err
	}
	if line == "" { // taken again since it was judged
		return res, t.lockedError(ctx, env.Stack, "")
	}
	fmt.Fprintln(o.Progress, line)
	res.Broken = true
	return res, nil
}
