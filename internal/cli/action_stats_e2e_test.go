package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/internal/events"
	"github.com/prenv/prenv/internal/testenv"
)

// TestActionStats runs the Action as the runner runs it: a PR's up and
// destroy, an up from the CLI, then command stats, whose report lands in
// the step summary with its charts. The Action's events name its mode and
// its run.
func TestActionStats(t *testing.T) {
	t.Parallel()
	forEachBackend(t, testActionStats)
}

func testActionStats(t *testing.T, kind string) {
	// The none target needs no PostgreSQL: the sandbox is a plain one.
	s := &actionSandbox{localSandbox: &localSandbox{sandbox: newSandbox(t)}, gh: testenv.NewGitHub(t, "acme/shop", actionToken)}
	s.useBackend(kind)
	blueprint := "project: clitest\ntarget: none\nttl: 2h\nfinops:\n  currency: USD\n  rates: {environment-hour: 0.25}\n"
	if err := os.WriteFile(filepath.Join(s.dir, "prenv.yaml"), []byte(blueprint), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(-time.Second)
	s.gh.AddPR(testenv.FakePR{Number: 5})
	if opened := s.run("pull_request", pullRequestEvent("opened", 5, nil), nil); opened.code != 0 {
		t.Fatalf("opened: %s", opened)
	}
	if closed := s.run("pull_request", pullRequestEvent("closed", 5, func(p map[string]any) { p["state"] = "closed" }), nil); closed.code != 0 {
		t.Fatalf("closed: %s", closed)
	}
	if _, stderr, code := s.sandbox.run("up", "--pr", "6"); code != 0 {
		t.Fatalf("up --pr 6: %s", stderr)
	}

	evs, _, err := events.Log{URL: s.backendURL}.Since(t.Context(), "clitest", start)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		run := "-"
		if e.Run != nil {
			run = fmt.Sprintf("%d/%d %s %s", e.Run.ID, e.Run.Attempt, e.Run.Repo, e.Run.Job)
		}
		got = append(got, fmt.Sprintf("%s %s %s %s %s", e.Env, e.Kind, e.Result, e.Trigger, run))
	}
	want := "pr-5 up ok action:up 4242/1 acme/shop preview\npr-5 destroy ok action:destroy 4242/1 acme/shop preview\npr-6 up ok cli -"
	if strings.Join(got, "\n") != want {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}

	res := s.run("schedule", map[string]any{"schedule": "17 */6 * * *"}, map[string]string{"command": "stats", "stats-since": "1h", "github-token": ""})
	if res.code != 0 {
		t.Fatalf("stats: %s", res)
	}
	for _, want := range []string{
		"## prenv stats: clitest", "| created | 2 |", "| live now | 1 |",
		"```mermaid\nxychart-beta\n    title \"Environment-hours per day\"",
		"```mermaid\nxychart-beta\n    title \"Provisioning time percentiles\"\n    x-axis [\"first p50\", \"first p95\", \"first max\"]",
		"| up | 2 | 2 | 0 | 0 | 0 | 100.0% |", "| teardown (destroy, reap) | 1 | 1 | 0 | 0 | 0 | 100.0% |",
	} {
		if !strings.Contains(res.summary, want) {
			t.Errorf("the step summary lacks %q:\n%s", want, res.summary)
		}
	}
	if !strings.Contains(res.stdout, "2 created, 1 live now") || strings.Contains(res.stdout, "::error::") {
		t.Errorf("the stats step's log:\n%s", res.stdout)
	}
	if comments := s.gh.Comments(5); len(comments) != 1 || strings.Contains(comments[0].Body, "prenv stats") {
		t.Errorf("stats touched the PR's comment: %+v", comments)
	}

	bad := s.run("schedule", map[string]any{"schedule": "17 */6 * * *"}, map[string]string{"command": "stats", "stats-since": "soon"})
	if bad.code == 0 || !strings.Contains(bad.stdout, "::error::input stats-since: \"soon\" is not a duration") {
		t.Errorf("stats-since soon: %s", bad)
	}
}
