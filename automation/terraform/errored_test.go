package terraform

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/automation"
)

func TestErroredStateIsKeptAndRefused(t *testing.T) {
	t.Parallel()
	eng := &Engine{cfg: Config{StateDir: t.TempDir()}}
	if err := eng.refuseErrored("pr-1"); err != nil {
		t.Fatalf("refuseErrored with no kept state: %v", err)
	}
	run := &runDir{dir: t.TempDir()}
	if err := eng.keepErrored(run, "pr-1"); err != nil {
		t.Fatalf("keepErrored with nothing left: %v", err)
	}
	if err := os.WriteFile(filepath.Join(run.dir, erroredName), []byte(`{"version":4}`), 0o600); err != nil {
		t.Fatal(err)
	}
	err := eng.keepErrored(run, "pr-1")
	if err == nil || !strings.Contains(err.Error(), "terraform state push") {
		t.Errorf("keepErrored = %v, want an error naming terraform state push", err)
	}
	if _, err := os.Stat(eng.erroredPath("pr-1")); err != nil {
		t.Errorf("errored state not kept: %v", err)
	}
	if err := eng.refuseErrored("pr-1"); err == nil || errors.Is(err, automation.ErrLocked) {
		t.Errorf("refuseErrored after a kept state = %v, want a refusal", err)
	}
}
