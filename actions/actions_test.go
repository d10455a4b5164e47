package actions

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func runner(t *testing.T, env map[string]string) (*Runner, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	return &Runner{Getenv: func(k string) string { return env[k] }, Stdout: &out}, &out
}

func TestOutputsCannotInjectOtherNames(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "output")
	r, _ := runner(t, map[string]string{"GITHUB_OUTPUT": path})
	evil := "x\nGITHUB_ENV=pwned\nurl<<EOF\nhttp://evil\nEOF"
	if err := r.SetOutput("url", evil); err != nil {
		t.Fatal(err)
	}
	if err := r.SetOutput("bad\nname", "v"); err == nil {
		t.Error("an output name with a newline was accepted")
	}
	data, _ := os.ReadFile(path)
	got := parseFileCommands(t, string(data))
	if len(got) != 1 || got["url"] != evil {
		t.Errorf("parsed outputs = %q; want url alone holding the whole value", got)
	}
}

// parseFileCommands reads a GITHUB_OUTPUT file as the runner does.
func parseFileCommands(t *testing.T, text string) map[string]string {
	t.Helper()
	out := map[string]string{}
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		if lines[i] == "" {
			continue
		}
		name, delim, ok := strings.Cut(lines[i], "<<")
		if !ok {
			t.Fatalf("line %q is not heredoc form", lines[i])
		}
		var value []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			value = append(value, lines[i])
		}
		out[name] = strings.Join(value, "\n")
	}
	return out
}

func TestCommandsAreEscaped(t *testing.T) {
	t.Parallel()
	r, out := runner(t, nil)
	r.Error("boom\n::add-mask::x 100%")
	if got := out.String(); got != "::error::boom%0A::add-mask::x 100%25\n" {
		t.Errorf("got %q", got)
	}
}

func TestReadInputs(t *testing.T) {
	t.Parallel()
	in, err := ReadInputs(&Runner{Getenv: func(string) string { return "" }})
	if err != nil || in.Command != "auto" || !in.Remove || in.WaitForLock != 5*time.Minute || in.ReapMaxDeletions != 20 || in.SecretsProvider != "" ||
		in.TestCommand != "" || in.TestTimeout != 15*time.Minute || in.Ephemeral {
		t.Errorf("defaults = %+v, %v (an empty secrets-provider leaves the blueprint's)", in, err)
	}
	for _, provider := range []string{"passphrase", "awskms://alias/prenv?region=eu-west-1"} {
		r, _ := runner(t, map[string]string{InputEnv("secrets-provider"): provider})
		if in, err := ReadInputs(r); err != nil || in.SecretsProvider != provider {
			t.Errorf("secrets-provider %s: %q, %v", provider, in.SecretsProvider, err)
		}
	}
	for input, value := range map[string]string{
		"command": "deploy", "remove": "yes", "wait-for-lock": "soon", "pr-number": "0",
		"reap-max-deletions": "-1", "stack-name": "../etc", "config-map": "[1, 2]", "secrets-provider": "vault",
		"test-timeout": "0", "ephemeral": "maybe",
	} {
		r, _ := runner(t, map[string]string{InputEnv(input): value})
		if _, err := ReadInputs(r); err == nil || !strings.Contains(err.Error(), "input "+input) {
			t.Errorf("%s=%q: err = %v, want one naming the input", input, value, err)
		}
	}
	if got := InputEnv("comment-on-pr"); got != "INPUT_COMMENT-ON-PR" {
		t.Errorf("InputEnv = %q", got)
	}
}

func TestDecide(t *testing.T) {
	t.Parallel()
	pr := func(mod func(*PullRequest)) *PullRequest {
		p := &PullRequest{Number: 7, HeadRepo: "acme/shop", BaseRepo: "acme/shop"}
		if mod != nil {
			mod(p)
		}
		return p
	}
	auto := Inputs{Command: "auto"}
	for _, tc := range []struct {
		name string
		in   Inputs
		ev   Event
		mode string
		prN  int
	}{
		{"opened", auto, Event{Name: "pull_request", Action: "opened", PR: pr(nil)}, ModeUp, 7},
		{"synchronize", auto, Event{Name: "pull_request", Action: "synchronize", PR: pr(nil)}, ModeUp, 7},
		{"closed", auto, Event{Name: "pull_request", Action: "closed", PR: pr(nil)}, ModeDestroy, 7},
		{"closed draft", auto, Event{Name: "pull_request", Action: "closed", PR: pr(func(p *PullRequest) { p.Draft = true })}, ModeDestroy, 7},
		{"edited", auto, Event{Name: "pull_request", Action: "edited", PR: pr(nil)}, ModeSkip, 7},
		{"draft", auto, Event{Name: "pull_request", Action: "opened", PR: pr(func(p *PullRequest) { p.Draft = true })}, ModeSkip, 7},
		{"draft included", Inputs{Command: "auto", IncludeDrafts: true}, Event{Name: "pull_request", Action: "opened", PR: pr(func(p *PullRequest) { p.Draft = true })}, ModeUp, 7},
		{"label missing", Inputs{Command: "auto", RequireLabel: "preview"}, Event{Name: "pull_request", Action: "opened", PR: pr(nil)}, ModeSkip, 7},
		{"label present", Inputs{Command: "auto", RequireLabel: "preview"}, Event{Name: "pull_request", Action: "labeled", PR: pr(func(p *PullRequest) { p.Labels = []string{"preview"} })}, ModeUp, 7},
		{"fork", auto, Event{Name: "pull_request", Action: "opened", PR: pr(func(p *PullRequest) { p.HeadRepo = "mallory/shop" })}, ModeSkip, 7},
		{"labeled after merge", auto, Event{Name: "pull_request", Action: "labeled", PR: pr(func(p *PullRequest) { p.State = "closed"; p.Merged = true })}, ModeSkip, 7},
		{"fork by stack name", Inputs{Command: "up", StackName: "pr-7"}, Event{Name: "pull_request", Action: "opened", PR: pr(func(p *PullRequest) { p.HeadRepo = "mallory/shop" })}, ModeSkip, 0},
		{"fork destroy", Inputs{Command: "destroy"}, Event{Name: "pull_request", Action: "closed", PR: pr(func(p *PullRequest) { p.HeadRepo = "mallory/shop" })}, ModeSkip, 7},
		{"schedule", auto, Event{Name: "schedule"}, ModeReap, 0},
		{"stats on schedule", Inputs{Command: "stats"}, Event{Name: "schedule"}, ModeStats, 0},
		{"stats on a PR is the project's", Inputs{Command: "stats"}, Event{Name: "pull_request", Action: "opened", PR: pr(nil)}, ModeStats, 0},
		{"dispatch", auto, Event{Name: "workflow_dispatch"}, ModeReap, 0},
		{"dispatch with PR", Inputs{Command: "auto", PRNumber: 9}, Event{Name: "workflow_dispatch"}, ModeUp, 9},
		{"explicit up", Inputs{Command: "up", StackName: "baseline"}, Event{Name: "push"}, ModeUp, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := Decide(tc.in, tc.ev)
			if err != nil || plan.Mode != tc.mode || plan.PR != tc.prN {
				t.Errorf("Decide = %+v, %v; want mode %s, PR %d", plan, err, tc.mode, tc.prN)
			}
			if plan.Mode == ModeSkip && plan.Reason == "" {
				t.Error("a skip without a reason")
			}
		})
	}
	if _, err := Decide(auto, Event{Name: "push"}); err == nil || !strings.Contains(err.Error(), "set the command input") {
		t.Errorf("auto on push: %v", err)
	}
	if _, err := Decide(Inputs{Command: "destroy"}, Event{Name: "push"}); err == nil || !strings.Contains(err.Error(), "pr-number or stack-name") {
		t.Errorf("destroy with no environment: %v", err)
	}
}
