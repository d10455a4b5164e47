package pulumi

import (
	"context"
	"fmt"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// Cancel breaks env's stack lock if every lock on it is provably stale, and
// otherwise leaves it alone and returns an *automation.LockedError naming
// the holder. It never interrupts a live run.
func (p *Engine) Cancel(ctx context.Context, env stacks.Env, opts ...automation.Option) (automation.CancelResult, error) {
	o := automation.Resolve(opts)
	locks, runs, err := p.stackLocks(ctx, env.Stack, o)
	if err != nil {
		return automation.CancelResult{}, err
	}
	// A lock file without its record yet is a run taking the lock or one
	// killed while taking it: past the write grace it is the second, so
	// wait out the grace rather than call a killed run's lock live.
	if wait := youngestUnreadable(holdersOf(locks)); wait > 0 {
		select {
		case <-ctx.Done():
			return automation.CancelResult{}, ctx.Err()
		case <-time.After(wait):
		}
		if locks, runs, err = p.stackLocks(ctx, env.Stack, o); err != nil {
			return automation.CancelResult{}, err
		}
	}
	res := automation.CancelResult{Locks: holdersOf(locks)}
	if len(locks) == 0 {
		return res, nil
	}
	broke, err := p.breakStale(ctx, env.Stack, locks, runs, o, newRunJudge(o))
	if err != nil {
		return res, err
	}
	if len(broke) == 0 {
		return res, &automation.LockedError{Stack: env.Stack, Holders: res.Locks}
	}
	for _, line := range broke {
		fmt.Fprintln(o.Progress, line)
	}
	res.Broken = true
	return res, nil
}
