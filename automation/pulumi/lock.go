package pulumi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/proc"
	"github.com/prenv/prenv/internal/state"
)

// staleReason says why lock h is provably stale, or "" if it may be live.
// A lock is stale when its holder ran on this host and its process is gone,
// or when it is older than maxJobTime.
func staleReason(h automation.LockHolder, thisHost string, now time.Time, maxJobTime time.Duration, alive func(int) bool) string {
	if h.Unreadable {
		if now.Sub(h.Since) > lockWriteGrace {
			return fmt.Sprintf("its file has held no lock record for %s: its writer was killed while taking it", now.Sub(h.Since).Round(time.Second))
		}
		return ""
	}
	if h.Host != "" && h.Host == thisHost && !alive(h.PID) {
		return fmt.Sprintf("its process %d on %s is gone", h.PID, h.Host)
	}
	if !h.Since.IsZero() && maxJobTime > 0 && now.Sub(h.Since) > maxJobTime {
		return fmt.Sprintf("it is %s old, past the %s maximum job time", now.Sub(h.Since).Round(time.Second), maxJobTime)
	}
	return ""
}

// tornRead reports whether err is pulumi reading a file that another run
// was still writing: on the file backend a lock, its sidecar or a
// checkpoint cut short; on a bucket a checkpoint gone missing, as pulumi
// saves one by copying it to .bak, deleting it and writing it anew. Pulumi
// reports the bucket's answer without the key, so the answer is matched
// alone: S3's NoSuchKey (seen on moto_server), and the same condition as
// Azure (BlobNotFound) and GCS (object doesn't exist) name it.
func tornRead(err error) bool {
	text := err.Error()
	for _, torn := range []string{"unexpected end of JSON input", "failed to load checkpoint: EOF",
		"NoSuchKey", "BlobNotFound", "storage: object doesn't exist"} {
		if strings.Contains(text, torn) {
			return true
		}
	}
	return false
}

// maxTornReads is how often an operation is retried after reading a file
// another run was writing.
const maxTornReads = 5

// maxVanished is how often an operation refused a lock that was gone when
// prenv looked is retried at once, before it waits as for any lock.
const maxVanished = 3

// lockWriteGrace is how long a lock file may lack its record: writing one
// takes microseconds, so an empty file older than this was abandoned.
const lockWriteGrace = 2 * time.Second

// holdersOf returns who holds each lock.
func holdersOf(locks []state.Lock) []automation.LockHolder {
	hs := make([]automation.LockHolder, len(locks))
	for i, l := range locks {
		hs[i] = l.Holder
	}
	return hs
}

// breakStale removes the stack's locks if every one of them is provably
// stale, with the run records that traced them, and reports what it
// broke. It never touches a live lock, and removes only the lock files it
// judged, so a lock taken since stays.
func (p *Engine) breakStale(ctx context.Context, stack string, locks []state.Lock, runs []state.RunRecord, o automation.Options, j *runJudge) ([]string, error) {
	if len(locks) == 0 {
		return nil, nil
	}
	now := time.Now()
	var reasons []string
	for _, l := range locks {
		h := l.Holder
		why := staleReason(h, p.host, now, o.MaxJobTime, func(pid int) bool { return proc.Alive(pid, 0) })
		if why == "" && o.FinishedHost != "" && h.Host == o.FinishedHost {
			why = fmt.Sprintf("it was taken on %s, whose run has ended", h.Host)
		}
		if why == "" {
			why = j.ended(ctx, stack, h, runs, p.host, o.MaxJobTime)
		}
		if why == "" {
			return nil, nil
		}
		reasons = append(reasons, fmt.Sprintf("broke stale lock of %s held by %s: %s", stack, h, why))
	}
	for _, l := range locks {
		if err := p.state.RemoveLock(ctx, l); err != nil {
			return nil, fmt.Errorf("remove stale lock of %s: %w", stack, err)
		}
		for _, r := range candidates(l.Holder, runs, o.MaxJobTime) {
			_ = p.state.RemoveRun(ctx, r) // its run is over; a record left is harmless
		}
	}
	return reasons, nil
}

// withLock runs op, and while it fails because the stack is locked, breaks
// provably stale locks or waits with backoff up to o.WaitForLock.
func (p *Engine) withLock(ctx context.Context, stack string, o automation.Options, op func() error) (recovered []string, err error) {
	defer p.recordRun(ctx, stack, o)()
	judge := newRunJudge(o)
	start := time.Now()
	backoff := 500 * time.Millisecond
	torn, vanished := 0, 0
	for {
		err := op()
		if err == nil {
			return recovered, nil
		}
		locks, runs, lerr := p.stackLocks(ctx, stack, o)
		fresh := holdersOf(locks)
		var locked *automation.LockedError
		switch {
		case errors.As(err, &locked):
		case lerr == nil && anyUnreadable(fresh):
			// pulumi fails to parse an empty lock file rather than call
			// the stack locked; it is a lock all the same.
			locked = &automation.LockedError{Stack: stack}
		case tornRead(err) && torn < maxTornReads:
			// The file backend writes a file and its .attrs sidecar in two
			// steps; a run reading between them (a lock, a new stack) sees
			// a torn file. Read again.
			torn++
			time.Sleep(time.Duration(torn) * 100 * time.Millisecond)
			continue
		default:
			return recovered, err
		}
		holders := fresh
		switch {
		case lerr != nil:
			// Unread locks are not provably stale: wait as for a live one.
			fmt.Fprintf(o.Progress, "cannot read the locks of %s: %v\n", stack, lerr)
			holders, locks = locked.Holders, nil
		case len(fresh) == 0 && vanished < maxVanished:
			// The holder released the lock between pulumi's refusal and
			// this look: the stack is free now.
			vanished++
			continue
		case len(fresh) == 0:
			holders = locked.Holders // who pulumi saw, rather than nobody
		}
		broke, berr := p.breakStale(ctx, stack, locks, runs, o, judge)
		if berr != nil {
			return recovered, berr
		}
		if len(broke) > 0 {
			recovered = append(recovered, broke...)
			for _, line := range broke {
				fmt.Fprintln(o.Progress, line)
			}
			continue
		}
		if wait := youngestUnreadable(holders); wait > 0 {
			// A lock is being written, or its writer just died: give it
			// the moment it takes to tell which, whatever the bound.
			time.Sleep(wait)
			continue
		}
		waited := time.Since(start)
		left := o.WaitForLock - waited
		if left <= 0 {
			locked.Holders, locked.Waited = holders, waited
			return recovered, locked
		}
		pause := min(backoff, left)
		fmt.Fprintf(o.Progress, "waiting for the lock of %s (%s); retrying in %s\n", stack, lockedBy(holders), pause.Round(time.Millisecond))
		select {
		case <-ctx.Done():
			return recovered, fmt.Errorf("waiting for the lock of %s: %w", stack, ctx.Err())
		case <-time.After(pause):
		}
		backoff = min(backoff*2, 15*time.Second)
	}
}

func lockedBy(hs []automation.LockHolder) string {
	if len(hs) == 0 {
		return "held by another run"
	}
	return "held by " + hs[0].String()
}

func anyUnreadable(hs []automation.LockHolder) bool {
	for _, h := range hs {
		if h.Unreadable {
			return true
		}
	}
	return false
}

// youngestUnreadable returns how long until every unreadable lock is past
// lockWriteGrace, or 0 if none is within it.
func youngestUnreadable(hs []automation.LockHolder) time.Duration {
	var wait time.Duration
	for _, h := range hs {
		if h.Unreadable {
			wait = max(wait, lockWriteGrace-time.Since(h.Since)+50*time.Millisecond)
		}
	}
	return max(wait, 0)
}
