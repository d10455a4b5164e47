package cli_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/internal/testenv"
)

func TestBinaryReapSweepsLocalOrphansAfterGrace(t *testing.T) {
	t.Parallel()
	s := newLocalSandbox(t)
	s.blueprint = filepath.Join(s.dir, "prenv.yaml")
	// The service is prenv's own router binary: a real process that
	// answers a health path, with nothing else to build.
	blueprint := fmt.Sprintf(`project: orph
target: local
services:
  - name: web
    entry: true
    run: exec %q router --addr 127.0.0.1:$PORT --routes %q
    health: /_prenv/ping
database:
  golden: golden.sql
`, testenv.Prenv(t), t.TempDir())
	if err := os.WriteFile(s.blueprint, []byte(blueprint), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.dir, "golden.sql"), []byte("CREATE TABLE notes (id int);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, env := range []string{"--env=baseline", "--pr=8"} {
		if _, stderr, code := s.run("up", env); code != 0 {
			t.Fatalf("up %s: %s", env, stderr)
		}
	}
	processes := func() []int { return s.serviceProcesses("prenv_orph_pr_8") }
	if len(processes()) == 0 {
		t.Fatal("pr-8's service is not running")
	}
	masked, _, _ := s.run("outputs", "--pr", "8", "--json")
	shown, _, _ := s.run("outputs", "--pr", "8", "--json", "--show-secrets")
	if !strings.Contains(masked, `"databaseUrl": "[secret]"`) || !strings.Contains(shown, `"databaseUrl": "postgres://`) {
		t.Errorf("outputs masks secrets unless --show-secrets:\n%s\n%s", masked, shown)
	}
	// Lose pr-8's stack but not its resources, as a deleted state would.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: orph\nruntime: go\n"), 0o644) //nolint:errcheck
	rm := exec.CommandContext(t.Context(), testenv.Pulumi(t), "stack", "rm", "organization/orph/pr-8", "--force", "--yes", "--non-interactive")
	rm.Dir, rm.Env = dir, append(hostEnv(), "PULUMI_BACKEND_URL=file://"+s.backend, "PULUMI_CONFIG_PASSPHRASE=e2e")
	if out, err := rm.CombinedOutput(); err != nil {
		t.Fatalf("pulumi stack rm: %v\n%s", err, out)
	}

	out, stderr, code := s.run("reap", "--open-prs", "8")
	if code != 0 {
		t.Fatalf("reap: exit %d: %s", code, stderr)
	}
	for _, kind := range []string{"database", "role", "route", "logs", "process"} {
		if !strings.Contains(out, "orphan "+kind) {
			t.Errorf("reap did not report the orphaned %s:\n%s", kind, out)
		}
	}
	if strings.Contains(out, ": deleted") || len(processes()) == 0 {
		t.Fatalf("reap deleted orphans within their grace period:\n%s", out)
	}

	out, stderr, code = s.run("reap", "--open-prs", "8", "--orphan-grace", "0s")
	if code != 0 || strings.Count(out, ": deleted") != 5 {
		t.Fatalf("reap after the grace: exit %d, %s\n%s", code, stderr, out)
	}
	if p := processes(); len(p) != 0 {
		t.Errorf("orphaned service processes %v still run", p)
	}
	admin, err := pg.Connect(t.Context(), s.adminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	for name, exists := range map[string]func(context.Context, string) (bool, error){
		"prenv_orph_pr_8": admin.DatabaseExists, "prenv_orph_baseline": admin.DatabaseExists,
	} {
		ok, err := exists(t.Context(), name)
		if err != nil {
			t.Fatal(err)
		}
		if want := name == "prenv_orph_baseline"; ok != want {
			t.Errorf("database %s exists = %v, want %v", name, ok, want)
		}
	}
	if _, err := os.Stat(filepath.Join(s.home, "routes", "pr-8.json")); !os.IsNotExist(err) {
		t.Errorf("pr-8's route survived: %v", err)
	}
	if _, err := os.Stat(filepath.Join(s.home, "routes", "baseline.json")); err != nil {
		t.Errorf("the baseline's route is gone: %v", err)
	}
	if len(s.serviceProcesses("prenv_orph_baseline")) == 0 {
		t.Error("the baseline's service was stopped")
	}
	if _, stderr, code := s.run("destroy", "--env", "baseline"); code != 0 {
		t.Errorf("destroy baseline: %s", stderr)
	}
}
