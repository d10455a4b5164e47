package automation

import (
	"context"
	"fmt"

	"github.com/prenv/prenv/stacks"
)

// Cancel breaks env's stack lock if every lock on it is provably stale, and
// otherwise leaves it alone and returns a *LockedError naming the holder.
// It never interrupts a live run.
func (p *Pulumi) Cancel(ctx context.Context, env stacks.Env, opts ...Option) (CancelResult, error) {
	o := Resolve(opts)
	holders, ok, err := p.locks(env.Stack)
	if err != nil {
		return CancelResult{}, err
	}
	if !ok {
		return CancelResult{}, fmt.Errorf("prenv cancel reads locks only on file:// backends: on %s, up and destroy break provably stale locks themselves", p.cfg.BackendURL)
	}
	res := CancelResult{Locks: holders}
	if len(holders) == 0 {
		return res, nil
	}
	broke, err := p.breakStale(ctx, env.Stack, holders, o)
	if err != nil {
		return res, err
	}
	if len(broke) == 0 {
		return res, &LockedError{Stack: env.Stack, Holders: holders}
	}
	for _, line := range broke {
		fmt.Fprintln(o.Progress, line)
	}
	res.Broken = true
	return res, nil
}
