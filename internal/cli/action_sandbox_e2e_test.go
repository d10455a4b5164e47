package cli_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

// shallowSandboxMode turns the Action's sandbox into a sandbox-mode
// project of two services, web and api, in a checkout of one commit whose
// origin has no base branch, as actions/checkout's default fetch-depth of
// 1 leaves it: git cannot tell what a PR changed.
func (s *actionSandbox) shallowSandboxMode(t *testing.T) {
	t.Helper()
	service := func(name string, entry bool) string {
		return fmt.Sprintf(`  - name: %s
    entry: %v
    run: exec %q router --addr 127.0.0.1:$PORT --routes %q
    health: /_prenv/ping
    paths: ["%s/**"]
    env: {PRENV_E2E_SERVICE: %s}
`, name, entry, testenv.Prenv(t), t.TempDir(), name, name)
	}
	blueprint := "project: act\ntarget: local\nttl: 24h\nrouting:\n  mode: sandbox\nservices:\n" +
		service("web", true) + service("api", false) + "database:\n  golden: golden.sql\n"
	if err := os.WriteFile(filepath.Join(s.dir, "prenv.yaml"), []byte(blueprint), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"init", "-q", "-b", "feature"},
		{"add", "."},
		{"commit", "-q", "-m", "the PR's head, alone"},
		{"remote", "add", "origin", "https://github.com/acme/shop.git"},
	} {
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = s.dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
}

// servicesOf names the services running against env's database.
func (s *actionSandbox) servicesOf(db string) []string {
	var names []string
	for _, pid := range s.serviceProcesses(db) {
		environ, _ := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
		for _, kv := range bytes.Split(environ, []byte{0}) {
			if name, ok := bytes.CutPrefix(kv, []byte("PRENV_E2E_SERVICE=")); ok && !slices.Contains(names, string(name)) {
				names = append(names, string(name))
			}
		}
	}
	slices.Sort(names)
	return names
}

// TestActionSandboxModeOnAShallowCheckout: under Actions a sandbox-mode PR
// takes its changed files from GitHub, so a checkout without the base
// branch runs only the service the PR changed; when GitHub cannot list
// them either, every service runs, and the run says so but succeeds.
func TestActionSandboxModeOnAShallowCheckout(t *testing.T) {
	t.Parallel()
	s := newActionSandbox(t)
	s.shallowSandboxMode(t)
	if _, stderr, code := s.sandbox.run("up", "--env", "baseline"); code != 0 {
		t.Fatalf("up baseline: %s", stderr)
	}
	defer s.sandbox.run("destroy", "--env", "baseline")

	t.Run("GitHub lists the files", func(t *testing.T) {
		s.gh.AddPR(testenv.FakePR{Number: 7, Files: []string{"api/handler.go", "README.md"}})
		opened := s.run("pull_request", pullRequestEvent("opened", 7, nil), nil)
		defer s.run("pull_request", pullRequestEvent("closed", 7, nil), nil)
		if opened.code != 0 {
			t.Fatalf("opened: %s", opened)
		}
		if calls := s.gh.CountCalls("GET", "/pulls/7/files"); calls != 1 {
			t.Errorf("GitHub's file listing was called %d times, want once", calls)
		}
		if got := s.servicesOf("prenv_act_pr_7"); !slices.Equal(got, []string{"api"}) {
			t.Errorf("pr-7 runs %q, want [api], the one service it changed", got)
		}
		if !strings.Contains(opened.summary, "| Sandboxed | `api` |") || !strings.Contains(opened.summary, "| From baseline | `web` |") {
			t.Errorf("the summary does not say api is the PR's and web the baseline's:\n%s", opened.summary)
		}
		if strings.Contains(opened.stdout+opened.summary, "changed files") {
			t.Errorf("a complete listing was reported as unknown changes: %s", opened)
		}
	})

	t.Run("neither GitHub nor git answers", func(t *testing.T) {
		s.gh.AddPR(testenv.FakePR{Number: 8, Files: []string{"api/handler.go"}})
		s.gh.Fail("GET", "/pulls/8/files", 500, -1)
		opened := s.run("pull_request", pullRequestEvent("opened", 8, nil), nil)
		defer s.run("pull_request", pullRequestEvent("closed", 8, nil), nil)
		if opened.code != 0 {
			t.Fatalf("the preview failed for want of its changed files: %s", opened)
		}
		if got := s.servicesOf("prenv_act_pr_8"); !slices.Equal(got, []string{"api", "web"}) {
			t.Errorf("pr-8 runs %q, want every service, [api web]", got)
		}
		if want := "::notice::prenv: every service of pr-8 runs its own instance, since its changed files are unknown: list the files of pull request #8"; !strings.Contains(opened.stdout, want) {
			t.Errorf("no notice %q in:\n%s", want, opened.stdout)
		}
		comments := s.gh.Comments(8)
		if len(comments) != 1 || !strings.Contains(comments[0].Body, "Every service runs its own instance: this PR's changed files could not be listed") {
			t.Fatalf("the comment does not say why every service runs: %+v", comments)
		}
		if strings.Contains(comments[0].Body, "500") {
			t.Errorf("the public comment quotes the error: %s", comments[0].Body)
		}
	})
}
