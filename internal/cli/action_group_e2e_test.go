package cli_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

// TestActionGroupJoinAndLeave: under the Action, a PR whose body or label
// says "prenv-group: <name>" joins that group after its up and leaves it
// when it closes; a marker that is no DNS label is a warning that does
// not quote it, and joins nothing.
func TestActionGroupJoinAndLeave(t *testing.T) {
	t.Parallel()
	s := newActionSandbox(t)
	s.shallowSandboxMode(t)
	if _, stderr, code := s.sandbox.run("up", "--env", "baseline"); code != 0 {
		t.Fatalf("up baseline: %s", stderr)
	}
	defer s.sandbox.run("destroy", "--env", "baseline")
	members := func() map[string][]string {
		t.Helper()
		stdout, stderr, code := s.sandbox.run("group", "ls", "--json")
		if code != 0 {
			t.Fatalf("group ls: exit %d: %s", code, stderr)
		}
		var list []struct {
			Name    string   `json:"name"`
			Members []string `json:"members"`
		}
		if err := json.Unmarshal([]byte(stdout), &list); err != nil {
			t.Fatalf("group ls --json printed %q: %v", stdout, err)
		}
		out := map[string][]string{}
		for _, g := range list {
			out[g.Name] = g.Members
		}
		return out
	}

	s.gh.AddPR(testenv.FakePR{Number: 7, Files: []string{"api/handler.go"}})
	s.gh.AddPR(testenv.FakePR{Number: 8, Files: []string{"web/page.go"}})
	s.gh.AddPR(testenv.FakePR{Number: 9, Files: []string{"web/page.go"}})
	inBody := func(p map[string]any) { p["body"] = "Adds the API.\r\n\r\nprenv-group: duo\r\n" }
	labelled := func(p map[string]any) { p["labels"] = []any{map[string]any{"name": "prenv-group: duo"}} }
	hostile := func(p map[string]any) { p["body"] = "prenv-group: $(touch /tmp/pwned)" }

	if opened := s.run("pull_request", pullRequestEvent("opened", 7, inBody), nil); opened.code != 0 {
		t.Fatalf("pr-7 opened: %s", opened)
	}
	defer s.run("pull_request", pullRequestEvent("closed", 7, nil), nil)
	opened := s.run("pull_request", pullRequestEvent("opened", 8, labelled), nil)
	if opened.code != 0 {
		t.Fatalf("pr-8 opened: %s", opened)
	}
	defer s.run("pull_request", pullRequestEvent("closed", 8, nil), nil)
	defer s.sandbox.run("group", "destroy", "duo")
	if !strings.Contains(opened.stdout, "::notice::prenv: pr-8 joined group grp-duo: http://grp-duo.localhost:") {
		t.Errorf("pr-8's run does not say it joined the group:\n%s", opened.stdout)
	}
	if got := members(); !slices.Equal(got["duo"], []string{"pr-7", "pr-8"}) {
		t.Errorf("groups after both opened: %v, want duo of pr-7 and pr-8", got)
	}

	again := s.run("pull_request", pullRequestEvent("synchronize", 7, inBody), nil)
	if again.code != 0 || !slices.Equal(members()["duo"], []string{"pr-7", "pr-8"}) {
		t.Errorf("a push to pr-7 changed the group: %v\n%s", members(), again)
	}

	bad := s.run("pull_request", pullRequestEvent("opened", 9, hostile), nil)
	defer s.run("pull_request", pullRequestEvent("closed", 9, nil), nil)
	if bad.code != 0 || !strings.Contains(bad.stdout, "::warning::pull request #9's prenv-group line or label names no valid group") {
		t.Errorf("pr-9's invalid marker: exit %d, want a warning:\n%s", bad.code, bad)
	}
	if strings.Contains(bad.stdout+bad.stderr+bad.summary, "pwned") {
		t.Errorf("the PR's marker text reached the log:\n%s", bad)
	}
	if got := members(); len(got) != 1 {
		t.Errorf("groups after pr-9: %v, want duo alone", got)
	}

	if closed := s.run("pull_request", pullRequestEvent("closed", 7, nil), nil); closed.code != 0 || !strings.Contains(closed.stdout+closed.stderr, "pr-7 left group grp-duo") {
		t.Fatalf("pr-7 closed: %s", closed)
	}
	if got := members(); !slices.Equal(got["duo"], []string{"pr-8"}) {
		t.Errorf("groups after pr-7 closed: %v, want duo of pr-8 alone", got)
	}
}
