package session_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/session"
	"github.com/prenv/prenv/stacks"
)

// prCheckout is a git repository whose branch feature changes web/main.go
// against main, with a sandbox-mode blueprint of two services.
func prCheckout(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"prenv.yaml": `project: shop
target: none
services:
  - name: web
    entry: true
    run: "true"
    paths: ["web/**"]
  - name: api
    run: "true"
    paths: ["api/**"]
routing:
  mode: sandbox
`,
		"web/main.go": "package main\n", "api/main.go": "package main\n",
	}
	for name, body := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	git("add", ".")
	git("commit", "-q", "-m", "base")
	git("checkout", "-q", "-b", "feature")
	if err := os.WriteFile(filepath.Join(dir, "web", "main.go"), []byte("package main // changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git("commit", "-q", "-am", "change web")
	return dir
}

func TestChangedFilesFallBack(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is not on PATH: sandbox mode reads a PR's changes with it")
	}
	listed := func(files ...string) func(context.Context) ([]string, error) {
		return func(context.Context) ([]string, error) { return files, nil }
	}
	failing := func(context.Context) ([]string, error) { return nil, errors.New("GitHub answered 500") }
	for _, tc := range []struct {
		name        string
		source      func(context.Context) ([]string, error)
		base        string // "main" exists; "origin/main" does not, as in a shallow checkout
		wantChanged []string
		wantRunning []string // services that count as changed
		wantUnknown string   // in Session.ChangesUnknown
		wantNotice  string   // in the notices
		wantInput   bool     // an input error, no session
	}{
		{name: "the listing answers, git is not asked", source: listed("api/main.go"), base: "origin/main",
			wantChanged: []string{"api/main.go"}, wantRunning: []string{"api"}},
		{name: "the listing fails, git answers", source: failing, base: "main",
			wantChanged: []string{"web/main.go"}, wantRunning: []string{"web"}, wantNotice: "GitHub answered 500; the changed files come from git diff against main instead"},
		{name: "neither answers: every service runs", source: failing, base: "origin/main",
			wantChanged: stacks.UnknownChanges(), wantRunning: []string{"web", "api"}, wantUnknown: "GitHub answered 500; and git cannot tell either: git diff against origin/main failed"},
		{name: "no listing: git answers", base: "main", wantChanged: []string{"web/main.go"}, wantRunning: []string{"web"}},
		{name: "no listing: git's failure is the run's", base: "origin/main", wantInput: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := prCheckout(t)
			var notices bytes.Buffer
			h := session.Host{Getenv: func(k string) string { return map[string]string{"GITHUB_REPOSITORY": "acme/shop"}[k] }, Notices: &notices}
			s, err := h.Open(context.Background(), session.Options{
				Blueprint: filepath.Join(dir, "prenv.yaml"), PR: "7", Base: tc.base, Render: true, ChangedFiles: tc.source,
			})
			if tc.wantInput {
				if !stacks.IsInput(err) || !strings.Contains(err.Error(), "--base") {
					t.Fatalf("err = %v, want an input error naming --base", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.Changed, tc.wantChanged) {
				t.Errorf("Changed = %q, want %q", s.Changed, tc.wantChanged)
			}
			var running []string
			for _, svc := range s.Blueprint.Services {
				if s.Blueprint.RunsOwn(svc, s.Env, s.Changed) {
					running = append(running, svc.Name)
				}
			}
			if !slices.Equal(running, tc.wantRunning) {
				t.Errorf("pr-7 runs %q, want %q", running, tc.wantRunning)
			}
			if (tc.wantUnknown == "") != (s.ChangesUnknown == "") || !strings.Contains(s.ChangesUnknown, tc.wantUnknown) {
				t.Errorf("ChangesUnknown = %q, want %q", s.ChangesUnknown, tc.wantUnknown)
			}
			if (tc.wantNotice == "") != (notices.Len() == 0) || !strings.Contains(notices.String(), tc.wantNotice) {
				t.Errorf("notices = %q, want %q", notices.String(), tc.wantNotice)
			}
		})
	}
}
