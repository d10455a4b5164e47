package pulumi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/proc"
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

// tornRead reports whether err is pulumi reading a file of the file
// backend (a lock, its sidecar, a checkpoint) that another run was still
// writing.
func tornRead(err error) bool {
	text := err.Error()
	return strings.Contains(text, "unexpected end of JSON input") || strings.Contains(text, "failed to load checkpoint: EOF")
}

// maxTornReads is how often an operation is retried after reading a file
// another run was writing.
const maxTornReads = 5

// lockWriteGrace is how long a lock file may lack its record: writing one
// takes microseconds, so an empty file older than this was abandoned.
const lockWriteGrace = 2 * time.Second

// lockDir is where Pulumi's file backend keeps the locks of one stack.
func (p *Engine) lockDir(stack string) (string, bool) {
	dir, ok := p.fileBackendDir()
	if !ok {
		return "", false
	}
	return filepath.Join(dir, ".pulumi", "locks", "organization", p.cfg.Project, stack), true
}

// locks lists the stack's locks straight from a file backend, without
// running pulumi. ok is false for other backends.
func (p *Engine) locks(stack string) (hs []automation.LockHolder, ok bool, err error) {
	dir, ok := p.lockDir(stack)
	if !ok {
		return nil, false, nil
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, true, nil
	}
	if err != nil {
		return nil, true, fmt.Errorf("read locks of %s: %w", stack, err)
	}
	for _, e := range entries {
		// Every file but a sidecar is a lock to pulumi, including the
		// <id>.json.<n>.tmp of a run killed while it wrote <id>.json.
		if e.IsDir() || strings.HasSuffix(e.Name(), ".attrs") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			continue // released while we looked
		}
		if err != nil {
			return nil, true, fmt.Errorf("read lock %s: %w", path, err)
		}
		var l struct {
			PID       int       `json:"pid"`
			Username  string    `json:"username"`
			Hostname  string    `json:"hostname"`
			Timestamp time.Time `json:"timestamp"`
		}
		h := automation.LockHolder{URL: "file://" + path}
		if err := json.Unmarshal(data, &l); err != nil {
			h.Unreadable = true
			if info, err := e.Info(); err == nil {
				h.Since = info.ModTime()
			}
		} else {
			h.User, h.Host, h.PID, h.Since = l.Username, l.Hostname, l.PID, l.Timestamp
		}
		hs = append(hs, h)
	}
	return hs, true, nil
}

// breakStale removes the stack's locks if every one of them is provably
// stale, and reports what it broke. It never touches a live lock.
func (p *Engine) breakStale(ctx context.Context, stack string, holders []automation.LockHolder, o automation.Options) ([]string, error) {
	if len(holders) == 0 {
		return nil, nil
	}
	now := time.Now()
	var reasons []string
	for _, h := range holders {
		why := staleReason(h, p.host, now, o.MaxJobTime, func(pid int) bool { return proc.Alive(pid, 0) })
		if why == "" && o.FinishedHost != "" && h.Host == o.FinishedHost {
			why = fmt.Sprintf("it was taken on %s, whose run has ended", h.Host)
		}
		if why == "" {
			return nil, nil
		}
		reasons = append(reasons, fmt.Sprintf("broke stale lock of %s held by %s: %s", stack, h, why))
	}
	if _, ok := p.lockDir(stack); ok {
		for _, h := range holders {
			path := strings.TrimPrefix(h.URL, "file://")
			// The file backend keeps blob attributes in a .attrs sidecar,
			// named after the final file even while a .tmp is written.
			for _, f := range []string{path, path + ".attrs", lockFinalName(path) + ".attrs"} {
				if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
					return nil, fmt.Errorf("remove stale lock %s: %w", f, err)
				}
			}
		}
		return reasons, nil
	}
	// Other backends: every lock is stale, so pulumi cancel removes only those.
	ws, cleanup, err := p.workspace(ctx)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	s, err := auto.SelectStack(ctx, stack, ws)
	if err != nil {
		return nil, classify(ctx, stack, err)
	}
	if err := s.Cancel(ctx); err != nil {
		return nil, classify(ctx, stack, err)
	}
	return reasons, nil
}

// withLock runs op, and while it fails because the stack is locked, breaks
// provably stale locks or waits with backoff up to o.WaitForLock.
func (p *Engine) withLock(ctx context.Context, stack string, o automation.Options, op func() error) (recovered []string, err error) {
	start := time.Now()
	backoff := 500 * time.Millisecond
	torn := 0
	for {
		err := op()
		if err == nil {
			return recovered, nil
		}
		fresh, ok, lerr := p.locks(stack)
		var locked *automation.LockedError
		switch {
		case errors.As(err, &locked):
		case ok && lerr == nil && anyUnreadable(fresh):
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
		holders := locked.Holders
		if ok && lerr == nil {
			holders = fresh
		}
		broke, berr := p.breakStale(ctx, stack, holders, o)
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

// lockFinalName strips the ".<n>.tmp" the file backend adds while writing.
func lockFinalName(path string) string {
	if base, ok := strings.CutSuffix(path, ".tmp"); ok {
		if i := strings.LastIndexByte(base, '.'); i > 0 {
			return base[:i]
		}
	}
	return path
}
