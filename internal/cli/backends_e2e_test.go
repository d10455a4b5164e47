package cli_test

import (
	"fmt"
	"testing"
	"time"

	"gocloud.dev/blob"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/state"
	"github.com/prenv/prenv/internal/testenv"
)

// backendKinds are the backends the binary tests with a backend column
// run on: a file:// directory, and an s3:// bucket on moto_server.
var backendKinds = []string{"file", "s3"}

// forEachBackend runs test as a parallel subtest per backend kind.
func forEachBackend(t *testing.T, test func(t *testing.T, kind string)) {
	for _, kind := range backendKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			test(t, kind)
		})
	}
}

// newSandboxOn is newSandbox whose state is kept on a backend of kind: its
// own directory, or its own bucket on the test binary's S3 server.
func newSandboxOn(t *testing.T, kind string) *sandbox {
	t.Helper()
	s := newSandbox(t)
	s.useBackend(kind)
	return s
}

// useBackend points the sandbox at a fresh backend of kind.
func (s *sandbox) useBackend(kind string) {
	s.t.Helper()
	if kind != "s3" {
		return
	}
	b := testenv.S3(s.t)
	s.backendURL, s.backendEnv, s.opened = b.URL, nil, nil
	for k, v := range b.Env {
		s.backendEnv = append(s.backendEnv, k+"="+v)
	}
}

// state opens the sandbox's backend as prenv reads it.
func (s *sandbox) state() *state.Backend {
	s.t.Helper()
	if s.opened == nil {
		b, err := state.Open(s.t.Context(), s.backendURL)
		if err != nil {
			s.t.Fatal(err)
		}
		s.t.Cleanup(func() { b.Close() })
		s.opened = b
	}
	return s.opened
}

// locks returns the lock files on stack of project.
func (s *sandbox) locks(project, stack string) []state.Lock {
	s.t.Helper()
	locks, err := s.state().Locks(s.t.Context(), project, stack)
	if err != nil {
		s.t.Fatal(err)
	}
	return locks
}

// runRecords returns prenv's run records beside the locks of stack.
func (s *sandbox) runRecords(project, stack string) []state.RunRecord {
	s.t.Helper()
	runs, err := s.state().Runs(s.t.Context(), project, stack)
	if err != nil {
		s.t.Fatal(err)
	}
	return runs
}

// removeLocks deletes every lock file on stack.
func (s *sandbox) removeLocks(project, stack string) {
	s.t.Helper()
	for _, l := range s.locks(project, stack) {
		if err := s.state().RemoveLock(s.t.Context(), l); err != nil {
			s.t.Fatal(err)
		}
	}
}

// plantLock writes a lock file on stack as pulumi would for a run of pid
// on host that took it at since.
func (s *sandbox) plantLock(project, stack string, pid int, host string, since time.Time) {
	s.t.Helper()
	bucket, err := blob.OpenBucket(s.t.Context(), s.backendURL)
	if err != nil {
		s.t.Fatal(err)
	}
	defer bucket.Close()
	key := fmt.Sprintf(".pulumi/locks/organization/%s/%s/planted-%d.json", project, stack, pid)
	body := fmt.Sprintf(`{"pid":%d,"username":"ci","hostname":%q,"timestamp":%q}`, pid, host, since.UTC().Format(time.RFC3339Nano))
	if err := bucket.WriteAll(s.t.Context(), key, []byte(body), nil); err != nil {
		s.t.Fatal(err)
	}
}

// plantRun writes the record a prenv step of run on host writes beside the
// lock it takes at since, and a kill leaves behind.
func (s *sandbox) plantRun(project, stack, host string, run automation.RunInfo, since time.Time) {
	s.t.Helper()
	if _, err := s.state().WriteRun(s.t.Context(), project, state.RunRecord{
		Stack: stack, User: "ci", Host: host, PID: 77, Started: since.Add(-3 * time.Second), Run: run,
	}); err != nil {
		s.t.Fatal(err)
	}
}
