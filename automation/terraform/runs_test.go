package terraform

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/proc"
)

// fakeTerraform starts a process named terraform (sleep, run through a
// link of that name, whose name the kernel takes) in dir with env, and
// stops it when the test ends.
func fakeTerraform(t *testing.T, dir string, env ...string) int {
	t.Helper()
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Fatalf("no sleep binary to stand in for terraform: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "terraform")
	if err := os.Symlink(sleep, bin); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "60")
	cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	// The kernel names the process before it lays out the new environment,
	// so wait for both.
	ready := func() bool {
		_, hasPath := proc.Getenv(cmd.Process.Pid, "PATH")
		return proc.Name(cmd.Process.Pid) == "terraform" && hasPath
	}
	for deadline := time.Now().Add(5 * time.Second); !ready(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the stand-in never ran as terraform")
		}
	}
	return cmd.Process.Pid
}

// initialised returns a directory initialised on backend (the JSON
// terraform init writes) with workspace selected.
func initialised(t *testing.T, backend, workspace string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".terraform"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"terraform.tfstate": `{"version":3,"backend":` + backend + `}`, "environment": workspace} {
		if err := os.WriteFile(filepath.Join(dir, ".terraform", name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestMayHold(t *testing.T) {
	t.Parallel()
	const lockPath = "team-state/terraform/shop/pr-1/terraform.tfstate"
	s3 := func(bucket, prefix string) string {
		return `{"type":"s3","config":{"bucket":"` + bucket + `","key":"terraform.tfstate","workspace_key_prefix":` + prefix + `,"region":"eu-west-1"}}`
	}
	tests := []struct {
		name string
		dir  string
		want bool
	}{
		{"same state", initialised(t, s3("team-state", `"terraform/shop"`), "pr-1"), true},
		{"another workspace", initialised(t, s3("team-state", `"terraform/shop"`), "pr-2"), false},
		{"another bucket", initialised(t, s3("other-state", `"terraform/shop"`), "pr-1"), false},
		{"the default prefix", initialised(t, s3("team-state", "null"), "pr-1"), false},
		{"a local backend", initialised(t, `{"type":"local","config":{"path":null}}`, "pr-1"), false},
		{"no backend", t.TempDir(), false},
		{"unreadable init", initialised(t, `{`, "pr-1"), true},
	}
	for _, tt := range tests {
		pid := fakeTerraform(t, tt.dir)
		if got := mayHold(pid, lockPath); got != tt.want {
			t.Errorf("%s: mayHold = %v, want %v", tt.name, got, tt.want)
		}
	}
	dataDir := initialised(t, s3("team-state", `"terraform/shop"`), "pr-1")
	pid := fakeTerraform(t, t.TempDir(), "TF_DATA_DIR="+filepath.Join(dataDir, ".terraform"))
	if !mayHold(pid, lockPath) {
		t.Error("mayHold of a run whose TF_DATA_DIR is initialised on the same state = false")
	}
}

// TestRunFinderFindsTheHolder finds, for a lock taken on this host, the
// run prenv started for its state before the lock was taken; not a later
// run waiting for it, nor one on another state, nor a process that only
// inherited the mark.
func TestRunFinderFindsTheHolder(t *testing.T) {
	t.Parallel()
	const lockPath = "team-state/terraform/shop/pr-7/terraform.tfstate"
	host, _ := os.Hostname()
	f := newRunFinder(host, "/usr/local/bin/terraform")
	since := time.Now()
	mark := func(path string, began time.Time) string {
		return runVar + "=" + runMarker(path, began)[runVar]
	}
	holder := fakeTerraform(t, t.TempDir(), mark(lockPath, since.Add(-time.Minute)))
	fakeTerraform(t, t.TempDir(), mark(lockPath, since.Add(time.Minute)))                                            // waits for the lock
	fakeTerraform(t, t.TempDir(), mark("team-state/terraform/shop/pr-8/terraform.tfstate", since.Add(-time.Minute))) // another workspace
	h := automation.LockHolder{User: "ci", Host: host, Since: since}
	if r := f.holder(lockPath, h); !r.here || r.pid != holder {
		t.Errorf("holder = %+v, want the run that began before the lock, pid %d", r, holder)
	}
	if r := f.holder("team-state/terraform/shop/pr-9/terraform.tfstate", h); !r.here || r.pid != 0 {
		t.Errorf("holder of a lock no run works on = %+v, want none", r)
	}
	if r := f.holder(lockPath, automation.LockHolder{Host: "another-host", Since: since}); r.here || r.pid != 0 {
		t.Errorf("holder of a lock taken elsewhere = %+v, want nothing looked for", r)
	}
	if !slices.Contains(f.names, "terraform") || !slices.Contains(f.names, "tofu") {
		t.Errorf("runFinder names = %v, want terraform and tofu among them", f.names)
	}
}
