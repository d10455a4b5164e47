package pulumi_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/automation/internal/enginetest"
)

// plantLock writes a lock file on stack into backend, as pulumi would
// for a run of pid on host that took the lock at since.
func plantLock(t *testing.T, backend, stack string, pid int, host string, since time.Time) {
	t.Helper()
	bucket, err := blob.OpenBucket(t.Context(), backend)
	if err != nil {
		t.Fatal(err)
	}
	defer bucket.Close()
	key := fmt.Sprintf(".pulumi/locks/organization/%s/%s/planted-%d.json", enginetest.Project, stack, pid)
	body := fmt.Sprintf(`{"pid":%d,"username":"ci","hostname":%q,"timestamp":%q}`, pid, host, since.UTC().Format(time.RFC3339Nano))
	if err := bucket.WriteAll(t.Context(), key, []byte(body), nil); err != nil {
		t.Fatal(err)
	}
}

// deadPID returns the pid of a process of this host that has exited, as
// a run killed with kill -9 leaves its lock's pid.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// plantedLocks are the locks a run may find on a stack, and whether they
// are provably stale.
func plantedLocks(t *testing.T) []struct {
	name  string
	pid   int
	host  string
	age   time.Duration
	stale string // why it is stale; "" for a lock that may be live
} {
	here, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	return []struct {
		name  string
		pid   int
		host  string
		age   time.Duration
		stale string
	}{
		{"killed run here", deadPID(t), here, time.Minute, "is gone"},
		{"run elsewhere past the job time", 1, "some-other-runner", 7 * time.Hour, "maximum job time"},
		{"live run here", os.Getpid(), here, 0, ""},
		{"young run elsewhere", 1, "some-other-runner", time.Minute, ""},
	}
}

// TestUpBreaksOnlyStaleLocks plants a lock on a stack and runs up: a
// provably stale lock is broken and reported, a possibly live one stops
// the up and stays.
func TestUpBreaksOnlyStaleLocks(t *testing.T) {
	t.Parallel()
	enginetest.ForEachBackend(t, func(t *testing.T, backend string) {
		eng := newEngineOn(t, backend, noneProgram)
		for i, tt := range plantedLocks(t) {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				env := enginetest.Env(t, 40+i)
				plantLock(t, backend, env.Stack, tt.pid, tt.host, time.Now().Add(-tt.age))
				res, err := eng.Up(t.Context(), env)
				recovered := strings.Join(res.Recovered, "; ")
				if tt.stale != "" {
					if err != nil || !strings.Contains(recovered, "broke stale lock of "+env.Stack) || !strings.Contains(recovered, tt.stale) {
						t.Fatalf("up past a stale lock: err %v, recovered %q; want success reporting %q", err, recovered, tt.stale)
					}
					if after, err := eng.Cancel(t.Context(), env); err != nil || len(after.Locks) != 0 {
						t.Errorf("locks after the up: %+v, %v; want none", after.Locks, err)
					}
					return
				}
				var locked *automation.LockedError
				if !errors.As(err, &locked) || len(locked.Holders) != 1 || locked.Holders[0].PID != tt.pid {
					t.Fatalf("up on a possibly live lock: err = %v, want a LockedError naming pid %d", err, tt.pid)
				}
				if recovered != "" {
					t.Errorf("up on a possibly live lock recovered %q", recovered)
				}
				if after, err := eng.Cancel(t.Context(), env); !automation.IsLocked(err) || len(after.Locks) != 1 {
					t.Errorf("the live lock after the up: %+v, %v; want it kept", after.Locks, err)
				}
			})
		}
	})
}

// TestCancelBreaksOnlyStaleLocks plants a lock on a stack and cancels:
// a provably stale lock is removed, a possibly live one is kept unless
// its host's run has ended (FinishedHost, the Action's post step).
func TestCancelBreaksOnlyStaleLocks(t *testing.T) {
	t.Parallel()
	enginetest.ForEachBackend(t, func(t *testing.T, backend string) {
		eng := newEngineOn(t, backend, noneProgram)
		for i, tt := range plantedLocks(t) {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				env := enginetest.Env(t, 50+i)
				plantLock(t, backend, env.Stack, tt.pid, tt.host, time.Now().Add(-tt.age))
				var progress strings.Builder
				res, err := eng.Cancel(t.Context(), env, automation.Progress(&progress))
				if len(res.Locks) != 1 || res.Locks[0].PID != tt.pid || res.Locks[0].Host != tt.host {
					t.Fatalf("Cancel found locks %+v, want the planted one", res.Locks)
				}
				if tt.stale != "" {
					if err != nil || !res.Broken || !strings.Contains(progress.String(), tt.stale) {
						t.Fatalf("cancel of a stale lock: broken %v, err %v, progress %q; want it broken because it %s", res.Broken, err, progress.String(), tt.stale)
					}
					if after, err := eng.Cancel(t.Context(), env); err != nil || len(after.Locks) != 0 {
						t.Errorf("locks after cancel: %+v, %v; want none", after.Locks, err)
					}
					return
				}
				if !automation.IsLocked(err) || res.Broken {
					t.Fatalf("cancel of a possibly live lock: broken %v, err %v; want ErrLocked and the lock kept", res.Broken, err)
				}
				if again, _ := eng.Cancel(t.Context(), env); len(again.Locks) != 1 {
					t.Errorf("the live lock after cancel: %+v; want it kept", again.Locks)
				}
				if tt.host == "some-other-runner" {
					if res, err := eng.Cancel(t.Context(), env, automation.FinishedHost(tt.host)); err != nil || !res.Broken {
						t.Errorf("cancel with FinishedHost(%s): broken %v, err %v; want its lock broken", tt.host, res.Broken, err)
					}
				}
			})
		}
	})
}
