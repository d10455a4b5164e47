package automation

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

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

func TestLockHolderString(t *testing.T) {
	t.Parallel()
	since := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		h    LockHolder
		want string
	}{
		{LockHolder{User: "runner", Host: "ci-7", PID: 4242, Since: since}, "runner@ci-7 (pid 4242) since 2026-11-21T10:00:00Z"},
		{LockHolder{User: "runner", Host: "ci-7", Since: since}, "runner@ci-7 since 2026-11-21T10:00:00Z"},
		{LockHolder{Unreadable: true, Since: since}, "an unfinished lock file written at 2026-11-21T10:00:00Z"},
	}
	for _, tt := range tests {
		if got := tt.h.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
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

func TestLockHolderNamesItsRun(t *testing.T) {
	t.Parallel()
	h := LockHolder{User: "ci", Host: "runner-7", PID: 42}
	if s := h.String(); strings.Contains(s, ", run ") {
		t.Errorf("holder without a run = %q, want no run named", s)
	}
	h.Run = RunInfo{Repo: "acme/shop", RunID: 123, Attempt: 2, Job: "preview"}
	if s, want := h.String(), "ci@runner-7 (pid 42) since 0001-01-01T00:00:00Z, run 123 attempt 2 of acme/shop (job preview)"; s != want {
		t.Errorf("holder = %q, want %q", s, want)
	}
}
