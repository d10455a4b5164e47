package cli_test

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/testenv"
)

// TestBinaryBreaksTheLockOfACancelledRun plants, on another machine's
// behalf, fresh locks whose run records name GitHub runs: the next up
// breaks a cancelled run's lock at once and says why, a run in progress
// keeps its lock (up exits 3 naming it), a GitHub that cannot answer
// keeps it too, and prenv cancel releases it once the run has completed.
func TestBinaryBreaksTheLockOfACancelledRun(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, kind string) {
		s := newSandboxOn(t, kind)
		gh := testenv.NewGitHub(t, "acme/shop", "ghs_locks-token")
		gh.AddRun(testenv.FakeRun{ID: 123, Status: "completed", Conclusion: "cancelled"})
		gh.AddRun(testenv.FakeRun{ID: 124})
		for _, pr := range []string{"21", "22"} {
			if _, stderr, code := s.run("up", "--pr", pr); code != 0 {
				t.Fatalf("up --pr %s: %s", pr, stderr)
			}
		}
		since := time.Now().Add(-30 * time.Second)
		s.plantLock("clitest", "pr-21", 4242, "fv-az-cancelled", since)
		s.plantRun("clitest", "pr-21", "fv-az-cancelled", automation.RunInfo{Repo: "acme/shop", RunID: 123, Attempt: 1, Job: "preview"}, since)

		// Without a token GitHub cannot be asked: the young lock of another
		// machine stays.
		if _, stderr, code := s.run("up", "--pr", "21"); code != 3 || !strings.Contains(stderr, "run 123 attempt 1 of acme/shop (job preview)") {
			t.Fatalf("up without a token: exit %d, %s; want 3 naming the holder's run", code, stderr)
		}
		s.extraEnv = []string{"GITHUB_TOKEN=" + gh.Token, "GITHUB_API_URL=" + gh.URL}
		start := time.Now()
		_, stderr, code := s.run("up", "--pr", "21")
		if code != 0 || !strings.Contains(stderr, "recovered: broke stale lock of pr-21 held by ci@fv-az-cancelled (pid 4242)") ||
			!strings.Contains(stderr, ": run 123 attempt 1 of acme/shop is completed") {
			t.Fatalf("up past a cancelled run's lock: exit %d:\n%s\nwant success saying the run is completed", code, stderr)
		}
		if took := time.Since(start); took > 30*time.Second {
			t.Errorf("up past a cancelled run's lock took %s; want it broken at once", took)
		}
		if n := gh.CountCalls("GET", "/repos/acme/shop/actions/runs/123"); n != 1 {
			t.Errorf("GitHub was asked about run 123 %d times, want once", n)
		}
		if locks, runs := s.locks("clitest", "pr-21"), s.runRecords("clitest", "pr-21"); len(locks) != 0 || len(runs) != 0 {
			t.Errorf("after the up, pr-21 keeps locks %+v and run records %+v; want none", locks, runs)
		}

		s.plantLock("clitest", "pr-22", 4343, "fv-az-running", since)
		s.plantRun("clitest", "pr-22", "fv-az-running", automation.RunInfo{Repo: "acme/shop", RunID: 124, Attempt: 1, Job: "up"}, since)
		start = time.Now()
		_, stderr, code = s.run("up", "--pr", "22", "--wait-for-lock", "3s")
		if code != 3 || !strings.Contains(stderr, "stack pr-22 is locked by ci@fv-az-running (pid 4343)") || !strings.Contains(stderr, "run 124 attempt 1 of acme/shop (job up)") {
			t.Errorf("up on a running run's lock: exit %d:\n%s\nwant 3 naming the holder and its run", code, stderr)
		}
		if waited := time.Since(start); waited < 3*time.Second {
			t.Errorf("up on a running run's lock gave up after %s; want it to wait 3s", waited)
		}
		if _, stderr, code := s.run("cancel", "--pr", "22"); code != 3 || len(s.locks("clitest", "pr-22")) != 1 {
			t.Errorf("cancel of a running run's lock: exit %d, %s; want 3 and the lock kept", code, stderr)
		}

		gh.AddRun(testenv.FakeRun{ID: 124, Status: "completed", Conclusion: "cancelled"})
		gh.Fail("GET", "/actions/runs/124", 502, 4) // the first try and its three retries
		_, stderr, code = s.run("cancel", "--pr", "22")
		if code != 3 || !strings.Contains(stderr, "cannot ask GitHub whether run 124 attempt 1 of acme/shop, which holds the lock of pr-22, is completed") ||
			!strings.Contains(stderr, "the lock is kept") || len(s.locks("clitest", "pr-22")) != 1 {
			t.Errorf("cancel while GitHub cannot answer: exit %d:\n%s\nwant 3, the lock kept, and why", code, stderr)
		}
		out, stderr, code := s.run("cancel", "--pr", "22")
		if code != 0 || !strings.Contains(out, "pr-22: broke 1 stale lock(s)") || !strings.Contains(stderr, "run 124 attempt 1 of acme/shop is completed") {
			t.Errorf("cancel once the run completed: exit %d, %q:\n%s", code, out, stderr)
		}
		if locks := s.locks("clitest", "pr-22"); len(locks) != 0 {
			t.Errorf("locks left after cancel: %+v", locks)
		}

		out, stderr, code = s.run("ls")
		row := regexp.MustCompile(`(?m)^pr-21\s+up\s+\d+[sm]\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s`)
		if code != 0 || !strings.HasPrefix(out, "ENV") || !strings.Contains(out, "AGE") || !strings.Contains(out, "EXPIRES") || !row.MatchString(out) {
			t.Errorf("ls: exit %d, %s\n%s\nwant pr-21 up with its age and expiry", code, stderr, out)
		}
	})
}

// TestBinaryRacingUps starts two ups of one environment at once: each
// either gets the lock in turn, or exits 3 naming the holder.
func TestBinaryRacingUps(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, kind string) {
		s := newSandboxOn(t, kind)
		if _, stderr, code := s.run("up", "--pr", "30"); code != 0 {
			t.Fatalf("up: %s", stderr)
		}
		var wg sync.WaitGroup
		codes, stderrs := make([]int, 2), make([]string, 2)
		for i := range codes {
			wg.Go(func() { _, stderrs[i], codes[i] = s.run("up", "--pr", "30", "--refresh") })
		}
		wg.Wait()
		t.Logf("the racing ups exited %v", codes)
		ok := 0
		for i, code := range codes {
			switch {
			case code == 0:
				ok++
			case code != 3 || !strings.Contains(stderrs[i], "stack pr-30 is locked by") || !strings.Contains(stderrs[i], "(pid "):
				t.Errorf("racing up %d: exit %d:\n%s\nwant 0, or 3 naming the holder", i, code, stderrs[i])
			}
		}
		if ok == 0 {
			t.Errorf("neither racing up succeeded: %v\n%s", codes, strings.Join(stderrs, "\n"))
		}
		if locks := s.locks("clitest", "pr-30"); len(locks) != 0 {
			t.Errorf("locks left after the racing ups: %+v", locks)
		}
		if out, stderr, code := s.run("outputs", "--pr", "30", "--json"); code != 0 || !strings.Contains(out, fmt.Sprintf("%q", "pr-30")) {
			t.Errorf("outputs after the racing ups: exit %d, %s\n%s", code, stderr, out)
		}
	})
}
