package automation

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStaleReason(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	alive := func(pid int) bool { return pid == 100 }
	tests := []struct {
		name      string
		holder    LockHolder
		wantStale bool
		wantWhy   string
	}{
		{"live process here", LockHolder{Host: "me", PID: 100, Since: now.Add(-time.Minute)}, false, ""},
		{"dead process here", LockHolder{Host: "me", PID: 200, Since: now.Add(-time.Minute)}, true, "process 200 on me is gone"},
		{"other host, young", LockHolder{Host: "runner", PID: 200, Since: now.Add(-time.Hour)}, false, ""},
		{"other host, past max job time", LockHolder{Host: "runner", PID: 200, Since: now.Add(-7 * time.Hour)}, true, "past the 6h0m0s maximum job time"},
		{"live here but ancient", LockHolder{Host: "me", PID: 100, Since: now.Add(-7 * time.Hour)}, true, "maximum job time"},
		{"unknown age elsewhere", LockHolder{Host: "runner", PID: 200}, false, ""},
		{"empty file being written", LockHolder{Unreadable: true, Since: now.Add(-time.Second)}, false, ""},
		{"empty file abandoned", LockHolder{Unreadable: true, Since: now.Add(-time.Minute)}, true, "writer was killed"},
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

func TestParseLockHolders(t *testing.T) {
	t.Parallel()
	stderr := "error: the stack is currently locked by 2 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
		"  file:///s/.pulumi/locks/organization/shop/pr-1/a.json: created by root@runner-1 (pid 4242) at 2026-11-21T10:00:00Z\n" +
		"  s3://bucket/.pulumi/locks/organization/shop/pr-1/b.json: created by ci user@host.local (pid 7) at 2026-11-21T11:30:00+01:00\n"
	got := parseLockHolders(stderr)
	want := []LockHolder{
		{URL: "file:///s/.pulumi/locks/organization/shop/pr-1/a.json", User: "root", Host: "runner-1", PID: 4242, Since: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)},
		{URL: "s3://bucket/.pulumi/locks/organization/shop/pr-1/b.json", User: "ci user", Host: "host.local", PID: 7, Since: time.Date(2026, 11, 21, 10, 30, 0, 0, time.UTC)},
	}
	if len(got) != len(want) {
		t.Fatalf("parseLockHolders found %d holders, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].URL != want[i].URL || got[i].User != want[i].User || got[i].Host != want[i].Host ||
			got[i].PID != want[i].PID || !got[i].Since.Equal(want[i].Since) {
			t.Errorf("holder %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestLockedErrorIsClassifiedThroughWrapping(t *testing.T) {
	t.Parallel()
	var err error = &LockedError{Stack: "pr-1", Holders: []LockHolder{{User: "a", Host: "b", PID: 3}}}
	for i := range 3 {
		err = fmt.Errorf("layer %d: %w", i, err)
	}
	if !IsLocked(err) || !errors.Is(err, ErrLocked) {
		t.Fatalf("IsLocked(%v) = false", err)
	}
	var le *LockedError
	if !errors.As(err, &le) || le.Holders[0].PID != 3 {
		t.Errorf("errors.As did not recover the holder: %+v", le)
	}
	if IsLocked(errors.New("stack is locked")) {
		t.Error("IsLocked matched a plain error by its text")
	}
}

func TestDiagnostics(t *testing.T) {
	t.Parallel()
	text := "failed to run update: exit status 255\ncode: 255\nstdout: Updating (pr-1)\n\nstderr: error: program failed: boom\n"
	if got, want := diagnostics(text), "program failed: boom"; got != want {
		t.Errorf("diagnostics = %q, want %q", got, want)
	}
	withLog := "stdout: Diagnostics:\n  prenv:local:Service (web):\n    error: web exited; last lines of web.log:\n    --- starting\n    boom\n\n  pulumi:pulumi:Stack (s):\n    error: update failed\n"
	if got, want := diagnostics(withLog), "web exited; last lines of web.log:\n    --- starting\n    boom; update failed"; got != want {
		t.Errorf("diagnostics = %q, want %q", got, want)
	}
	if got, want := diagnostics("plain failure\nmore"), "plain failure"; got != want {
		t.Errorf("diagnostics = %q, want %q", got, want)
	}
}

func mustAbs(t *testing.T, path string) string {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

func TestClassifyLockListingRace(t *testing.T) {
	t.Parallel()
	err := errors.New("could not create stack: could not list bucket: blob (code=NotFound): lstat /s/.pulumi/locks/organization/e2e/pr-1/3d0f.json: no such file or directory")
	if got := classify(context.Background(), "pr-1", err); !IsLocked(got) {
		t.Errorf("classify(lock listing race) = %v, want ErrLocked so the run waits and retries", got)
	}
}

func TestLockFinalName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/l/4cd2.json.18ea359a1a279797.tmp": "/l/4cd2.json",
		"/l/4cd2.json":                      "/l/4cd2.json",
	} {
		if got := lockFinalName(in); got != want {
			t.Errorf("lockFinalName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTornRead(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]bool{
		"stack pr-1: could not create stack: unexpected end of JSON input": true,
		"stack pr-1: failed to load checkpoint: EOF":                       true,
		"stack pr-1: program failed":                                       false,
	} {
		if got := tornRead(errors.New(text)); got != want {
			t.Errorf("tornRead(%q) = %v, want %v", text, got, want)
		}
	}
}
