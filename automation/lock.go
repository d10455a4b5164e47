package automation

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
)

// staleReason says why lock h is provably stale, or "" if it may be live.
// A lock is stale when its holder ran on this host and its process is gone,
// or when it is older than maxJobTime.
func staleReason(h LockHolder, thisHost string, now time.Time, maxJobTime time.Duration, alive func(int) bool) string {
	if h.Host != "" && h.Host == thisHost && !alive(h.PID) {
		return fmt.Sprintf("its process %d on %s is gone", h.PID, h.Host)
	}
	if !h.Since.IsZero() && maxJobTime > 0 && now.Sub(h.Since) > maxJobTime {
		return fmt.Sprintf("it is %s old, past the %s maximum job time", now.Sub(h.Since).Round(time.Second), maxJobTime)
	}
	return ""
}

// lockDir is where Pulumi's file backend keeps the locks of one stack.
func (p *Pulumi) lockDir(stack string) (string, bool) {
	dir, ok := p.fileBackendDir()
	if !ok {
		return "", false
	}
	return filepath.Join(dir, ".pulumi", "locks", "organization", p.cfg.Project, stack), true
}

// locks lists the stack's locks straight from a file backend, without
// running pulumi. ok is false for other backends.
func (p *Pulumi) locks(stack string) (hs []LockHolder, ok bool, err error) {
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
		if e.IsDir() || filepath.Ext(e.Name()) != ".json" {
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
		if err := json.Unmarshal(data, &l); err != nil {
			// A lock being written is momentarily empty; treat it as live.
			l.Timestamp = time.Now()
		}
		hs = append(hs, LockHolder{URL: "file://" + path, User: l.Username, Host: l.Hostname, PID: l.PID, Since: l.Timestamp})
	}
	return hs, true, nil
}

// breakStale removes the stack's locks if every one of them is provably
// stale, and reports what it broke. It never touches a live lock.
func (p *Pulumi) breakStale(ctx context.Context, stack string, holders []LockHolder, o options) ([]string, error) {
	if len(holders) == 0 {
		return nil, nil
	}
	now := time.Now()
	var reasons []string
	for _, h := range holders {
		why := staleReason(h, p.host, now, o.maxJobTime, processLive)
		if why == "" {
			return nil, nil
		}
		reasons = append(reasons, fmt.Sprintf("broke stale lock of %s held by %s: %s", stack, h, why))
	}
	if _, ok := p.lockDir(stack); ok {
		for _, h := range holders {
			path := strings.TrimPrefix(h.URL, "file://")
			// The file backend keeps blob attributes in a .attrs sidecar.
			for _, f := range []string{path, path + ".attrs"} {
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
// provably stale locks or waits with backoff up to o.waitForLock.
func (p *Pulumi) withLock(ctx context.Context, stack string, o options, op func() error) (recovered []string, err error) {
	start := time.Now()
	backoff := 500 * time.Millisecond
	for {
		err := op()
		var locked *LockedError
		if !errors.As(err, &locked) {
			return recovered, err
		}
		holders := locked.Holders
		if fresh, ok, lerr := p.locks(stack); ok && lerr == nil {
			holders = fresh
		}
		broke, berr := p.breakStale(ctx, stack, holders, o)
		if berr != nil {
			return recovered, berr
		}
		if len(broke) > 0 {
			recovered = append(recovered, broke...)
			for _, line := range broke {
				fmt.Fprintln(o.progress, line)
			}
			continue
		}
		waited := time.Since(start)
		if waited+backoff > o.waitForLock {
			locked.Holders, locked.Waited = holders, waited
			return recovered, locked
		}
		fmt.Fprintf(o.progress, "waiting for the lock of %s (%s); retrying in %s\n", stack, lockedBy(holders), backoff)
		select {
		case <-ctx.Done():
			return recovered, fmt.Errorf("waiting for the lock of %s: %w", stack, ctx.Err())
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 15*time.Second)
	}
}

func lockedBy(hs []LockHolder) string {
	if len(hs) == 0 {
		return "held by another run"
	}
	return "held by " + hs[0].String()
}
