package pulumi

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/state"
)

func TestStaleReason(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	alive := func(pid int) bool { return pid == 100 }
	tests := []struct {
		name      string
		holder    automation.LockHolder
		wantStale bool
		wantWhy   string
	}{
		{"live process here", automation.LockHolder{Host: "me", PID: 100, Since: now.Add(-time.Minute)}, false, ""},
		{"dead process here", automation.LockHolder{Host: "me", PID: 200, Since: now.Add(-time.Minute)}, true, "process 200 on me is gone"},
		{"other host, young", automation.LockHolder{Host: "runner", PID: 200, Since: now.Add(-time.Hour)}, false, ""},
		{"other host, past max job time", automation.LockHolder{Host: "runner", PID: 200, Since: now.Add(-7 * time.Hour)}, true, "past the 6h0m0s maximum job time"},
		{"live here but ancient", automation.LockHolder{Host: "me", PID: 100, Since: now.Add(-7 * time.Hour)}, true, "maximum job time"},
		{"unknown age elsewhere", automation.LockHolder{Host: "runner", PID: 200}, false, ""},
		{"empty file being written", automation.LockHolder{Unreadable: true, Since: now.Add(-time.Second)}, false, ""},
		{"empty file abandoned", automation.LockHolder{Unreadable: true, Since: now.Add(-time.Minute)}, true, "writer was killed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := staleReason(tt.holder, "me", now, 6*time.Hour, alive)
			if (got != "") != tt.wantStale || !strings.Contains(got, tt.wantWhy) {
				t.Errorf("staleReason = %q, want stale=%v containing %q", got, tt.wantStale, tt.wantWhy)
			}
		})
	}
}

func TestTornRead(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]bool{
		"stack pr-1: could not create stack: unexpected end of JSON input": true,
		"stack pr-1: failed to load checkpoint: EOF":                       true,
		// pulumi read pr-1.json from S3 while the holder's save had deleted it
		"stack pr-1: 2 errors occurred:\n    1) operation error S3: GetObject, https response error StatusCode: 404, RequestID: x, HostID: y, NoSuchKey: The specified key does not exist.\n    2) NotFound": true,
		"stack pr-1: program failed": false,
	} {
		if got := tornRead(errors.New(text)); got != want {
			t.Errorf("tornRead(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestWithLockRetriesALockReleasedMeanwhile: pulumi refused the lock, but
// by the time prenv looks the holder has released it, so the operation
// runs again at once instead of failing with nobody to name.
func TestWithLockRetriesALockReleasedMeanwhile(t *testing.T) {
	t.Parallel()
	st, err := state.Open(t.Context(), "file://"+t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := &Engine{cfg: Config{Project: "e2e"}, state: st, host: "me"}
	holder := automation.LockHolder{User: "ci", Host: "runner", PID: 9}
	tries := 0
	_, err = p.withLock(t.Context(), "pr-1", automation.Resolve(nil), func() error {
		tries++
		if tries == 1 {
			return &automation.LockedError{Stack: "pr-1", Holders: []automation.LockHolder{holder}}
		}
		return nil
	})
	if err != nil || tries != 2 {
		t.Errorf("withLock = %v after %d tries; want success on the second", err, tries)
	}
	tries = 0
	_, err = p.withLock(t.Context(), "pr-1", automation.Resolve(nil), func() error {
		tries++
		return &automation.LockedError{Stack: "pr-1", Holders: []automation.LockHolder{holder}}
	})
	var locked *automation.LockedError
	if !errors.As(err, &locked) || tries != maxVanished+1 || len(locked.Holders) != 1 || locked.Holders[0] != holder {
		t.Errorf("withLock refused every time = %v after %d tries; want a LockedError naming the holder pulumi saw after %d", err, tries, maxVanished+1)
	}
}
