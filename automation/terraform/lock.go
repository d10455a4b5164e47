package terraform

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/state"
)

// breakStale removes workspace's lock if it is provably stale, and says
// what it did; it never touches a lock that may be live, nor one taken
// again since it was judged.
func (t *Engine) breakStale(ctx context.Context, workspace string, o automation.Options) (string, error) {
	v, err := t.backend.inspect(ctx, workspace, o)
	if err != nil {
		return "", fmt.Errorf("read the lock of %s: %w", workspace, err)
	}
	if !v.found || v.stale == "" {
		return "", nil
	}
	if err := t.backend.release(ctx, workspace, v); errors.Is(err, state.ErrLockChanged) {
		return "", nil // another run took the lock since: it may be live
	} else if err != nil {
		return "", err
	}
	return fmt.Sprintf("broke stale lock of %s held by %s: %s", workspace, v.holder, v.stale), nil
}

// withLock runs op, whose terraform runs wait for workspace's lock up to
// o.WaitForLock. When op fails on a lock that has since become provably
// stale (its holder was killed while op waited), it breaks the lock and
// runs op again with what is left of the wait.
func (t *Engine) withLock(ctx context.Context, workspace string, o automation.Options, res *automation.Result, op func(o automation.Options) error) error {
	start, wait := time.Now(), o.WaitForLock
	for {
		err := op(o)
		if !automation.IsLocked(err) || ctx.Err() != nil {
			return err
		}
		line, berr := t.breakStale(ctx, workspace, o)
		if berr != nil {
			return errors.Join(err, berr)
		}
		if line == "" {
			var locked *automation.LockedError
			if errors.As(err, &locked) {
				locked.Waited = time.Since(start)
			}
			return err
		}
		res.Recovered = append(res.Recovered, line)
		fmt.Fprintln(o.Progress, line)
		o.WaitForLock = max(0, wait-time.Since(start))
	}
}

// lockedError is the LockedError of a run that failed on workspace's
// lock: the holder as the lock is now, with its process when prenv can
// tell it, or as terraform's message described it.
func (t *Engine) lockedError(ctx context.Context, workspace, text string) error {
	holders := parseLockInfo(text)
	if v, err := t.backend.inspect(ctx, workspace, automation.Options{}); err == nil && v.found {
		holders = []automation.LockHolder{v.holder}
	}
	return &automation.LockedError{Stack: workspace, Holders: holders}
}
