package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prenv/prenv/internal/state"
	"github.com/prenv/prenv/internal/testenv"
)

// sandbox is one project directory with its own state, driven through the
// built prenv binary exactly as a user or the Actions runner runs it.
type sandbox struct {
	t    *testing.T
	dir  string
	home string
	// backend is the directory of the default file:// backend; backendURL
	// is the backend prenv uses (that directory's URL, or a bucket's, see
	// newSandboxOn), and backendEnv what a process needs to reach it.
	backend    string
	backendURL string
	backendEnv []string
	extraEnv   []string
	opened     *state.Backend // the backend as prenv reads it, once opened
	// baseline is moto_server's, once onMoto made it.
	baseline testenv.Baseline
}

func newSandbox(t *testing.T) *sandbox {
	t.Helper()
	s := &sandbox{t: t, dir: t.TempDir(), home: t.TempDir(), backend: t.TempDir()}
	s.backendURL = "file://" + s.backend
	blueprint := "project: clitest\ntarget: none\nttl: 2h\n"
	if err := os.WriteFile(filepath.Join(s.dir, "prenv.yaml"), []byte(blueprint), 0o644); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *sandbox) command(args ...string) *exec.Cmd {
	cmd := exec.CommandContext(s.t.Context(), testenv.Prenv(s.t), args...)
	cmd.Dir = s.dir
	cmd.Env = append(hostEnv(),
		"PRENV_HOME="+s.home,
		"PRENV_BACKEND_URL="+s.backendURL,
		"PULUMI_CONFIG_PASSPHRASE=e2e",
		"PRENV_PULUMI="+testenv.Pulumi(s.t),
		"GITHUB_REPOSITORY=acme/shop",
		"PRENV_ANONYMIZE_SALT=e2e-salt",
	)
	cmd.Env = append(append(cmd.Env, s.backendEnv...), s.extraEnv...)
	return cmd
}

// hostEnv is this process's environment without what a CI runner or a
// developer's shell may set that would point prenv at real services.
func hostEnv() []string {
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "GITHUB_") && !strings.HasPrefix(e, "CI=") && !strings.HasPrefix(e, "INPUT_") && !strings.HasPrefix(e, "STATE_") &&
			!strings.HasPrefix(e, "PULUMI_") && !strings.HasPrefix(e, "PRENV_") && !strings.HasPrefix(e, "RUNNER_") {
			env = append(env, e)
		}
	}
	return env
}

// run runs prenv and returns stdout, stderr and the exit code.
func (s *sandbox) run(args ...string) (string, string, int) {
	s.t.Helper()
	cmd := s.command(args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		s.t.Fatalf("prenv %v: %v", args, err)
	}
	return stdout.String(), stderr.String(), code
}

func TestBinaryJSONAndExitCodes(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	stdout, stderr, code := s.run("up", "--pr", "4", "--json")
	if code != 0 {
		t.Fatalf("up exited %d: %s", code, stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("up --json printed %q: %v", stdout, err)
	}
	for _, key := range []string{"env", "stack", "engine", "target", "url", "outputs", "changes", "duration_ms"} {
		if _, ok := got[key]; !ok {
			t.Errorf("--json object has no %q: %s", key, stdout)
		}
	}
	if got["env"] != "pr-4" || got["engine"] != "pulumi" || got["target"] != "none" {
		t.Errorf("--json = %s", stdout)
	}

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"zero PR", []string{"up", "--pr", "0"}, 2, "out of range"},
		{"negative PR", []string{"up", "--pr", "-4"}, 2, "out of range"},
		{"non-numeric PR", []string{"up", "--pr", "four"}, 2, "not a number"},
		{"no environment", []string{"up"}, 2, "pass --pr N or --env NAME"},
		{"missing blueprint", []string{"up", "--pr", "1", "--blueprint", "missing.yaml"}, 2, "not found: create it"},
		{"unreachable backend", []string{"up", "--pr", "1", "--backend", "file:///proc/prenv"}, 1, "unreachable"},
		{"unknown command", []string{"upp"}, 2, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := s.run(tt.args...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("prenv %v: exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr, tt.wantCode, tt.wantErr)
			}
			if lines := strings.Count(strings.TrimSpace(stderr), "\n"); tt.name != "unknown command" && lines != 0 {
				t.Errorf("error is %d lines, want one: %q", lines+1, stderr)
			}
		})
	}

	s.extraEnv = []string{"GITHUB_ACTIONS=true", "GITHUB_RUN_ID=12x"}
	if _, stderr, code := s.run("up", "--pr", "4", "--allow-local-state"); code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 ||
		!strings.Contains(stderr, `GITHUB_RUN_ID "12x" is not a run number`) {
		t.Errorf("up under a malformed GITHUB_RUN_ID: exit %d, %q; want 2 and one line naming it", code, stderr)
	}
	s.extraEnv = nil

	_, stderr, code = s.run("up", "--pr", "4")
	if code != 0 {
		t.Fatalf("second up: exit %d: %s", code, stderr)
	}
	cmd := s.command("up", "--pr", "4")
	cmd.Env = append(cmd.Env, "PULUMI_CONFIG_PASSPHRASE=wrong")
	out, _ := cmd.CombinedOutput()
	if !strings.Contains(string(out), "passphrase does not open stack pr-4") {
		t.Errorf("up with a wrong passphrase said %q", out)
	}
}

func TestBinaryLiveLockExits3(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, kind string) {
		s := newSandboxOn(t, kind)
		if _, stderr, code := s.run("up", "--pr", "5"); code != 0 {
			t.Fatalf("up: %s", stderr)
		}
		host, _ := os.Hostname()
		s.plantLock("clitest", "pr-5", os.Getpid(), host, time.Now()) // this test process: alive

		_, stderr, code := s.run("up", "--pr", "5", "--wait-for-lock", "2s")
		if code != 3 {
			t.Fatalf("up on a live lock: exit %d, want 3: %s", code, stderr)
		}
		want := fmt.Sprintf("(pid %d)", os.Getpid())
		if !strings.Contains(stderr, "stack pr-5 is locked by") || !strings.Contains(stderr, want) {
			t.Errorf("stderr does not name the holder %s: %s", want, stderr)
		}
		if _, stderr, code := s.run("cancel", "--pr", "5"); code != 3 {
			t.Errorf("cancel of a live lock: exit %d, want 3 and the lock kept: %s", code, stderr)
		}
		if locks := s.locks("clitest", "pr-5"); len(locks) != 1 {
			t.Errorf("live lock was removed: %d lock files left", len(locks))
		}
	})
}

func TestBinaryOldLockIsBroken(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, kind string) {
		s := newSandboxOn(t, kind)
		if _, stderr, code := s.run("up", "--pr", "6"); code != 0 {
			t.Fatalf("up: %s", stderr)
		}
		s.plantLock("clitest", "pr-6", 1, "some-other-runner", time.Now().Add(-7*time.Hour))
		_, stderr, code := s.run("up", "--pr", "6")
		if code != 0 {
			t.Fatalf("up past an expired lock: exit %d: %s", code, stderr)
		}
		if !strings.Contains(stderr, "recovered: broke stale lock of pr-6") || !strings.Contains(stderr, "maximum job time") {
			t.Errorf("up did not report the broken lock: %s", stderr)
		}
	})
}

func TestBinaryKill9Recovers(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, kind string) {
		s := newSandboxOn(t, kind)
		if _, stderr, code := s.run("up", "--pr", "8"); code != 0 {
			t.Fatalf("up: %s", stderr)
		}
		killed := false
		for attempt := 0; attempt < 5 && !killed; attempt++ {
			killed = s.killDuringUp("8")
		}
		if !killed {
			t.Fatal("never caught an up holding its lock to kill it")
		}
		host, _ := os.Hostname()
		if left := s.runRecords("clitest", "pr-8"); len(left) != 1 || left[0].Host != host {
			t.Errorf("run records after kill -9 = %+v; want the killed run's, on %s", left, host)
		}
		_, stderr, code := s.run("up", "--pr", "8")
		if code != 0 {
			t.Fatalf("up after kill -9: exit %d: %s\nlocks: %+v\nrecords: %+v", code, stderr, s.locks("clitest", "pr-8"), s.runRecords("clitest", "pr-8"))
		}
		// The kill lands either after pulumi wrote its lock (a dead pid) or
		// while it wrote it (an unfinished file): both are provably stale.
		if !strings.Contains(stderr, "recovered: broke stale lock of pr-8") ||
			!(strings.Contains(stderr, "is gone") || strings.Contains(stderr, "killed while taking it")) {
			t.Errorf("up after kill -9 did not report its recovery: %s", stderr)
		}
		if locks := s.locks("clitest", "pr-8"); len(locks) != 0 {
			t.Errorf("%d lock files left after recovery: %+v", len(locks), locks)
		}
		if left := s.runRecords("clitest", "pr-8"); len(left) != 0 {
			t.Errorf("run records left after recovery: %+v", left)
		}
	})
}

// killDuringUp starts an up and kill -9s its whole process group (prenv
// and pulumi) once the stack's lock exists. It reports whether the lock
// was left behind.
func (s *sandbox) killDuringUp(pr string) bool {
	s.t.Helper()
	cmd := s.command("up", "--pr", pr)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if len(s.locks("clitest", "pr-"+pr)) > 0 {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			_ = cmd.Wait()
			return len(s.locks("clitest", "pr-"+pr)) > 0
		}
		time.Sleep(5 * time.Millisecond)
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	_ = cmd.Wait()
	return false
}

func TestBinaryReap(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	for _, pr := range []string{"1", "2", "3", "4", "5"} {
		if _, stderr, code := s.run("up", "--pr", pr); code != 0 {
			t.Fatalf("up --pr %s: %s", pr, stderr)
		}
	}
	stacks := func() string {
		out, stderr, code := s.run("ls", "--json")
		if code != 0 {
			t.Fatalf("ls: %s", stderr)
		}
		return out
	}
	if _, stderr, code := s.run("reap"); code != 2 || !strings.Contains(stderr, "complete list of open PRs") {
		t.Errorf("reap without the open PRs: exit %d, %q; want 2", code, stderr)
	}
	if out, _, code := s.run("reap", "--open-prs", "1,3,4,5", "--dry-run"); code != 0 || !strings.Contains(out, "dry run (closed)") {
		t.Errorf("dry run: exit %d:\n%s", code, out)
	}
	if !strings.Contains(stacks(), `"pr-2"`) {
		t.Fatal("the dry run destroyed pr-2")
	}
	if out, stderr, code := s.run("reap", "--open-prs", "5"); code != 1 || !strings.Contains(stderr, "more than half") || !strings.Contains(out, "refused") {
		t.Errorf("reaping 4 of 5 as closed: exit %d, %q:\n%s; want a refusal", code, stderr, out)
	}
	out, stderr, code := s.run("reap", "--open-prs", "1,3,4,5")
	if code != 0 || !strings.Contains(out, "destroyed (closed)") {
		t.Fatalf("reap: exit %d, %s:\n%s", code, stderr, out)
	}
	left := stacks()
	if strings.Contains(left, `"pr-2"`) || !strings.Contains(left, `"pr-1"`) || !strings.Contains(left, `"pr-3"`) {
		t.Errorf("after reaping closed pr-2, ls = %s", left)
	}
}
