package terraform

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/testenv"
)

// backendEngine returns an engine on the backend at url that runs no
// terraform: enough for what prenv does beside terraform's runs.
func backendEngine(t *testing.T, url string) *Engine {
	t.Helper()
	cfg := Config{Project: "shop", BackendURL: url, Binary: "terraform"}
	be, st, err := openBackend(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &Engine{cfg: cfg, backend: be, state: st}
}

// TestErroredStateIsKeptAndRefused keeps the state a run could not save
// in the backend, beside the workspace's, and refuses to apply over it,
// on a file:// backend and (without -short) an s3:// bucket.
func TestErroredStateIsKeptAndRefused(t *testing.T) {
	t.Parallel()
	for _, b := range []struct {
		name string
		url  func(t *testing.T) string
		push string // what the refusal tells to run
	}{
		{"file", func(t *testing.T) string { return "file://" + t.TempDir() }, "terraform state push"},
		{"s3", func(t *testing.T) string { return testenv.S3(t).URL }, "workspace_key_prefix=terraform/shop"},
	} {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			eng := backendEngine(t, b.url(t))
			if err := eng.refuseErrored(t.Context(), "pr-1"); err != nil {
				t.Fatalf("refuseErrored with no kept state: %v", err)
			}
			run := &runDir{dir: t.TempDir()}
			if err := eng.keepErrored(t.Context(), run, "pr-1"); err != nil {
				t.Fatalf("keepErrored with nothing left: %v", err)
			}
			if err := os.WriteFile(filepath.Join(run.dir, erroredName), []byte(`{"version":4}`), 0o600); err != nil {
				t.Fatal(err)
			}
			err := eng.keepErrored(t.Context(), run, "pr-1")
			if err == nil || !strings.Contains(err.Error(), "terraform/shop/pr-1/errored.tfstate") || !strings.Contains(err.Error(), b.push) {
				t.Errorf("keepErrored = %v, want an error naming where it is kept and %q", err, b.push)
			}
			if _, found, err := eng.state.Errored(t.Context(), "shop", "pr-1"); !found || err != nil {
				t.Errorf("errored state not kept in the backend: %v, %v", found, err)
			}
			err = eng.refuseErrored(t.Context(), "pr-1")
			if err == nil || errors.Is(err, automation.ErrLocked) || !strings.Contains(err.Error(), b.push) {
				t.Errorf("refuseErrored after a kept state = %v, want a refusal saying how to push it", err)
			}
			if err := eng.refuseErrored(t.Context(), "pr-2"); err != nil {
				t.Errorf("refuseErrored of another workspace: %v", err)
			}
		})
	}
}
