package proc

import (
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"
)

func TestAliveAndWithEnv(t *testing.T) {
	t.Parallel()
	self := os.Getpid()
	started, err := StartTime(self)
	if err != nil {
		t.Fatal(err)
	}
	if !Alive(self, started) || !Alive(self, 0) {
		t.Error("Alive(self) = false")
	}
	if Alive(self, started+1) {
		t.Error("Alive with another start time = true, want the pid treated as reused")
	}

	cmd := exec.Command("sleep", "30")
	cmd.Env = append(os.Environ(), "PROC_TEST_MARK=yes")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	if got := WithEnv(func(e string) bool { return e == "PROC_TEST_MARK=yes" }); !slices.Contains(got, pid) {
		t.Errorf("WithEnv = %v, want it to contain %d", got, pid)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if Alive(pid, 0) {
		t.Errorf("Alive(%d) after it was killed and reaped = true", pid)
	}
	if Alive(0, 0) || Alive(-1, 0) {
		t.Error("Alive of a non-pid = true")
	}
}

func TestWithArgs(t *testing.T) {
	t.Parallel()
	cmd := exec.Command("/bin/sh", "-c", "sleep 30; :", "prenv-with-args-marker")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	// Until the child execs, its command line is still the parent's; and
	// until the shell's own child execs sleep, so is that child's.
	got := WithArgs("sleep 30; :", "prenv-with-args-marker")
	for deadline := time.Now().Add(5 * time.Second); !slices.Equal(got, []int{cmd.Process.Pid}) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		got = WithArgs("sleep 30; :", "prenv-with-args-marker")
	}
	if len(got) != 1 || got[0] != cmd.Process.Pid {
		t.Errorf("WithArgs = %v, want [%d]", got, cmd.Process.Pid)
	}
	if got := WithArgs("prenv-with-args-marker", "sleep 30; :"); len(got) != 0 {
		t.Errorf("WithArgs out of order = %v, want none", got)
	}
}

func TestStartedAtAndArgs(t *testing.T) {
	t.Parallel()
	before := time.Now().Add(-time.Second) // start times are in ticks of 10ms; boot time in whole seconds
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	at, err := StartedAt(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if at.Before(before) || at.After(time.Now().Add(time.Second)) {
		t.Errorf("StartedAt = %s, want about now (%s)", at, time.Now())
	}
	var args []string
	for deadline := time.Now().Add(5 * time.Second); !slices.Equal(args, []string{"sleep", "30"}) && time.Now().Before(deadline); {
		args, _ = Args(cmd.Process.Pid) // the parent's until the child execs
		time.Sleep(10 * time.Millisecond)
	}
	if !slices.Equal(args, []string{"sleep", "30"}) {
		t.Errorf("Args = %q, want [sleep 30]", args)
	}
	if _, err := StartedAt(-1); err == nil {
		t.Error("StartedAt(-1) = nil error")
	}
}

func TestNameNamedGetenvAndCwd(t *testing.T) {
	t.Parallel()
	cmd := exec.Command("sleep", "30")
	cmd.Env = append(os.Environ(), "PROC_TEST_NAME=a=b c")
	cmd.Dir = t.TempDir()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	var got string
	for deadline := time.Now().Add(5 * time.Second); got != "sleep" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		got = Name(pid) // the go binary's name until the child execs
	}
	if got != "sleep" {
		t.Errorf("Name(%d) = %q, want sleep", pid, got)
	}
	if named := Named("sleep", "no-such-command"); !slices.Contains(named, pid) {
		t.Errorf("Named(sleep) = %v, want it to contain %d", named, pid)
	}
	if v, ok := Getenv(pid, "PROC_TEST_NAME"); !ok || v != "a=b c" {
		t.Errorf("Getenv(%d, PROC_TEST_NAME) = %q, %v; want %q", pid, v, ok, "a=b c")
	}
	if v, ok := Getenv(pid, "PROC_TEST_NONE"); ok {
		t.Errorf("Getenv of a variable it lacks = %q, true", v)
	}
	if dir, err := Cwd(pid); err != nil || dir != cmd.Dir {
		t.Errorf("Cwd(%d) = %q, %v; want %q", pid, dir, err, cmd.Dir)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if got := Name(pid); got != "" {
		t.Errorf("Name of a reaped process = %q, want empty", got)
	}
}
