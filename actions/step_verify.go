package actions

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/comment"
	"github.com/prenv/prenv/internal/session"
)

// verify runs the test-command against the environment up made, when
// there is one and the environment is ready, and asks its URL how it
// answers, both into report. A failing test is an error, after the
// result is in the report.
func (x *Step) verify(ctx context.Context, s *session.Session, outputs map[string]automation.Output, report *comment.Report, ready bool) error {
	var err error
	if x.in.TestCommand != "" {
		tests := comment.Tests{}
		if ready {
			if tests, err = x.test(ctx, s, outputs); err != nil {
				report.Note = "The tests failed: the end of their output is below, all of it in [the run's log](" + x.runURL() + ")."
			}
		}
		report.Tests = &tests
	}
	if report.URL != "" && x.urlWait() > 0 {
		path, status := s.URLHealth(ctx, report.URL)
		report.Health = &comment.Health{Path: path, Status: status}
	}
	return err
}

// urlWait is how long to wait for the URL to answer after up:
// wait-for-url, which test-command implies.
func (x *Step) urlWait() time.Duration {
	if x.in.WaitForURL == 0 && x.in.TestCommand != "" {
		return defaultTestWait
	}
	return x.in.WaitForURL
}

// test runs the test-command against s's environment, its output in the
// log between stopped workflow commands (the tests are the PR's code).
// A failed or timed-out run is an error, after the result.
func (x *Step) test(ctx context.Context, s *session.Session, outputs map[string]automation.Output) (comment.Tests, error) {
	saltEnv := s.Blueprint.Database.Anonymize.SaltVariable()
	x.Runner.Group("prenv test-command on " + s.Env.Name)
	resume := x.stopCommands()
	res, err := runTests(ctx, testRun{
		Command: x.in.TestCommand, Dir: x.in.WorkDir, Timeout: x.in.TestTimeout, Out: x.Runner.Stdout,
		Env: testEnv(os.Environ(), saltEnv, s.Env.Name, outputs),
	})
	resume()
	x.Runner.EndGroup()
	res.Tail = x.maskTail(res.Tail, saltEnv)
	took := res.Duration.Round(100 * time.Millisecond)
	switch {
	case err != nil:
		return res, err
	case res.TimedOut:
		return res, fmt.Errorf("test-command timed out after %s (test-timeout): its processes were killed", x.in.TestTimeout)
	case res.ExitCode != 0:
		return res, fmt.Errorf("test-command failed with exit code %d after %s", res.ExitCode, took)
	}
	fmt.Fprintf(x.Runner.Stdout, "prenv: test-command passed in %s\n", took)
	return res, nil
}
