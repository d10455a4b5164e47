package pulumi_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/automation/internal/enginetest"
	"github.com/prenv/prenv/internal/state"
)

// plantRun writes the run record a prenv run of run on host leaves beside
// the lock it took at since, as a run cancelled on another runner does.
func plantRun(t *testing.T, backend, stack, host string, run automation.RunInfo, since time.Time) {
	t.Helper()
	b, err := state.Open(t.Context(), backend)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.WriteRun(t.Context(), enginetest.Project, state.RunRecord{
		Stack: stack, User: "ci", Host: host, PID: 7, Started: since.Add(-2 * time.Second), Run: run,
	}); err != nil {
		t.Fatal(err)
	}
}

// fakeGitHub answers for runs 123 (completed) and 124 (in progress), and
// fails for any other.
func fakeGitHub(_ context.Context, r automation.RunInfo) (bool, error) {
	switch r.RunID {
	case 123:
		return true, nil
	case 124:
		return false, nil
	}
	return false, errors.New("GitHub answered 502 Bad Gateway")
}

// TestUpBreaksTheLockOfACompletedRun plants a fresh lock of another
// runner, traced by its run record to a GitHub run: the next up breaks it
// at once when GitHub says the run is completed, and never when the run
// is in progress or GitHub cannot answer.
func TestUpBreaksTheLockOfACompletedRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		runID   int64
		stale   string // why it is broken; "" when it must stay
		unknown bool
	}{
		{"cancelled run", 123, "run 123 attempt 1 of acme/shop is completed", false},
		{"run in progress", 124, "", false},
		{"GitHub cannot answer", 125, "", true},
	}
	enginetest.ForEachBackend(t, func(t *testing.T, backend string) {
		eng := newEngineOn(t, backend, noneProgram)
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				env := enginetest.Env(t, 60+i)
				since := time.Now().Add(-time.Minute)
				run := automation.RunInfo{Repo: "acme/shop", RunID: tt.runID, Attempt: 1, Job: "preview"}
				plantLock(t, backend, env.Stack, 4242, "fv-az-other", since)
				plantRun(t, backend, env.Stack, "fv-az-other", run, since)
				var progress strings.Builder
				start := time.Now()
				res, err := eng.Up(t.Context(), env, automation.RunStatus(fakeGitHub), automation.Progress(&progress),
					automation.WaitForLock(time.Second))
				recovered := strings.Join(res.Recovered, "; ")
				if tt.stale != "" {
					if err != nil || !strings.Contains(recovered, "broke stale lock of "+env.Stack) || !strings.Contains(recovered, tt.stale) {
						t.Fatalf("up past a cancelled run's lock: err %v, recovered %q; want success saying %q", err, recovered, tt.stale)
					}
					if took := time.Since(start); took > 30*time.Second {
						t.Errorf("breaking the lock took %s; want it at once", took)
					}
					if left := runRecords(t, backend, env.Stack); len(left) != 0 {
						t.Errorf("run records left after the up: %+v; want the broken lock's and the up's own removed", left)
					}
					return
				}
				var locked *automation.LockedError
				if !errors.As(err, &locked) || len(locked.Holders) != 1 || locked.Holders[0].Run != run {
					t.Fatalf("up on a live run's lock: err = %v, want a LockedError naming %s", err, run)
				}
				if !strings.Contains(err.Error(), run.String()) {
					t.Errorf("the error does not name the holder's run: %v", err)
				}
				if recovered != "" {
					t.Errorf("up on a live run's lock recovered %q", recovered)
				}
				if said := strings.Contains(progress.String(), "cannot ask GitHub whether "+run.String()); said != tt.unknown {
					t.Errorf("progress:\n%s\nwant GitHub's silence reported: %v", progress.String(), tt.unknown)
				}
				if after, err := eng.Cancel(t.Context(), env, automation.RunStatus(fakeGitHub)); !automation.IsLocked(err) || len(after.Locks) != 1 {
					t.Errorf("the live run's lock after up and cancel: %+v, %v; want it kept", after.Locks, err)
				}
			})
		}
	})
}

// TestCancelBreaksTheLockOfACompletedRun: prenv cancel releases a
// cancelled run's lock on every backend, and says why.
func TestCancelBreaksTheLockOfACompletedRun(t *testing.T) {
	t.Parallel()
	enginetest.ForEachBackend(t, func(t *testing.T, backend string) {
		eng := newEngineOn(t, backend, noneProgram)
		env := enginetest.Env(t, 70)
		since := time.Now().Add(-time.Minute)
		plantLock(t, backend, env.Stack, 4242, "fv-az-other", since)
		plantRun(t, backend, env.Stack, "fv-az-other", automation.RunInfo{Repo: "acme/shop", RunID: 123, Attempt: 1}, since)
		if _, err := eng.Cancel(t.Context(), env); !automation.IsLocked(err) {
			t.Fatalf("cancel without asking GitHub: %v; want the young lock kept", err)
		}
		var progress strings.Builder
		res, err := eng.Cancel(t.Context(), env, automation.RunStatus(fakeGitHub), automation.Progress(&progress))
		if err != nil || !res.Broken || !strings.Contains(progress.String(), "run 123 attempt 1 of acme/shop is completed") {
			t.Fatalf("cancel of a completed run's lock: broken %v, err %v, progress %q", res.Broken, err, progress.String())
		}
	})
}

// TestUpRecordsItsRun: while an up runs, its record beside the lock names
// its host, pid and GitHub run, and a second up locked out names that
// run; once the up ends, the record is gone.
func TestUpRecordsItsRun(t *testing.T) {
	t.Parallel()
	enginetest.ForEachBackend(t, func(t *testing.T, backend string) {
		g := newGate(5*time.Second, true)
		eng := newEngineOn(t, backend, g.program)
		env := enginetest.Env(t, 71)
		run := automation.RunInfo{Repo: "acme/shop", RunID: 555, Attempt: 2, Job: "preview"}
		done := make(chan error, 1)
		go func() {
			_, err := eng.Up(t.Context(), env, automation.Run(run))
			done <- err
		}()
		<-g.entered
		records := runRecords(t, backend, env.Stack)
		host, _ := os.Hostname()
		if len(records) != 1 || records[0].Run != run || records[0].Host != host || records[0].PID != os.Getpid() || records[0].Started.IsZero() {
			t.Errorf("records during the up = %+v; want one naming %s on %s, pid %d", records, run, host, os.Getpid())
		}
		_, err := eng.Up(t.Context(), env)
		var locked *automation.LockedError
		if !errors.As(err, &locked) || len(locked.Holders) != 1 || locked.Holders[0].Run != run {
			t.Errorf("second up: %v; want a LockedError naming %s", err, run)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if left := runRecords(t, backend, env.Stack); len(left) != 0 {
			t.Errorf("records after the up = %+v; want none", left)
		}
	})
}

func runRecords(t *testing.T, backend, stack string) []state.RunRecord {
	t.Helper()
	b, err := state.Open(t.Context(), backend)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	runs, err := b.Runs(t.Context(), enginetest.Project, stack)
	if err != nil {
		t.Fatal(err)
	}
	return runs
}
