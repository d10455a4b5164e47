package automation

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTFOutputs(t *testing.T) {
	t.Parallel()
	metas := map[string]tfOutputMeta{
		"prenv__created-at": {Value: json.RawMessage(`"2026-11-21T10:00:00Z"`)},
		"url__":             {Value: json.RawMessage(`{"web":"http://web.pr-1.localhost:7070"}`)},
		"databaseUrl":       {Value: json.RawMessage(`"postgres://u:p@h/db"`), Sensitive: true},
		"pr":                {Value: json.RawMessage(`7`)},
	}
	tests := []struct {
		name     string
		withhold bool
		want     map[string]Output
	}{
		{"values", false, map[string]Output{
			"prenv:created-at": {Value: "2026-11-21T10:00:00Z"},
			"url:web":          {Value: "http://web.pr-1.localhost:7070"},
			"databaseUrl":      {Value: "postgres://u:p@h/db", Secret: true},
			"pr":               {Value: float64(7)},
		}},
		{"withheld", true, map[string]Output{
			"prenv:created-at": {Value: "2026-11-21T10:00:00Z"},
			"url:web":          {Value: "http://web.pr-1.localhost:7070"},
			"databaseUrl":      {Value: SecretPlaceholder, Secret: true},
			"pr":               {Value: float64(7)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tfOutputs(metas, tt.withhold)
			if len(got) != len(tt.want) {
				t.Fatalf("tfOutputs = %v, want %v", got, tt.want)
			}
			for k, w := range tt.want {
				if got[k] != w {
					t.Errorf("output %s = %+v, want %+v", k, got[k], w)
				}
			}
		})
	}
}

func TestParseTFLock(t *testing.T) {
	t.Parallel()
	text := `Error: Error acquiring the state lock

Error message: resource temporarily unavailable
Lock Info:
  ID:        5e1b2c1d-0000-0000-0000-000000000000
  Path:      /state/pr-1/terraform.tfstate
  Operation: OperationTypeApply
  Who:       runner@ci-host
  Version:   1.11.4
  Created:   2026-11-21 10:00:00.123456789 +0000 UTC
  Info:
`
	got := parseTFLock(text)
	want := LockHolder{URL: "file:///state/pr-1/terraform.tfstate", User: "runner", Host: "ci-host",
		Since: time.Date(2026, 11, 21, 10, 0, 0, 123456789, time.UTC)}
	if len(got) != 1 || got[0].URL != want.URL || got[0].User != want.User || got[0].Host != want.Host || !got[0].Since.Equal(want.Since) {
		t.Errorf("parseTFLock = %+v, want [%+v]", got, want)
	}
	if got := parseTFLock("Error: something else"); got != nil {
		t.Errorf("parseTFLock of another error = %+v, want none", got)
	}
}

func TestTFErrors(t *testing.T) {
	t.Parallel()
	text := "exit status 1\n\nError: Invalid value for variable\n\n  on main.tf line 3:\n   3: variable \"pr_number\" {\n\nThe value is wrong.\n\nError: Second\n"
	got := tfErrors(text)
	want := []string{`Invalid value for variable: on main.tf line 3: 3: variable "pr_number" {`, "Second"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("tfErrors = %q, want %q", got, want)
	}
}

func TestApplyOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"default", Options{}, "0ms"},
		{"wait", Options{WaitForLock: 90 * time.Second}, "90000ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := lockTimeout(tt.o); got != tt.want {
				t.Errorf("lockTimeout = %q, want %q", got, tt.want)
			}
			if got := len(applyOptions("vars.json", tt.o)); got != 3 {
				t.Errorf("applyOptions has %d options, want 3", got)
			}
		})
	}
	if got := len(applyOptions("vars.json", Options{ExtendTo: time.Now()})); got != 5 {
		t.Errorf("applyOptions with Extend has %d options, want 5 (no refresh, one target)", got)
	}
}

func TestErroredStateIsKeptAndRefused(t *testing.T) {
	t.Parallel()
	eng := &Terraform{cfg: TerraformConfig{StateDir: t.TempDir()}}
	if err := eng.refuseErrored("pr-1"); err != nil {
		t.Fatalf("refuseErrored with no kept state: %v", err)
	}
	run := &tfRun{dir: t.TempDir()}
	if err := eng.keepErrored(run, "pr-1"); err != nil {
		t.Fatalf("keepErrored with nothing left: %v", err)
	}
	if err := os.WriteFile(filepath.Join(run.dir, erroredName), []byte(`{"version":4}`), 0o600); err != nil {
		t.Fatal(err)
	}
	err := eng.keepErrored(run, "pr-1")
	if err == nil || !strings.Contains(err.Error(), "terraform state push") {
		t.Errorf("keepErrored = %v, want an error naming terraform state push", err)
	}
	if _, err := os.Stat(eng.erroredPath("pr-1")); err != nil {
		t.Errorf("errored state not kept: %v", err)
	}
	if err := eng.refuseErrored("pr-1"); err == nil || errors.Is(err, ErrLocked) {
		t.Errorf("refuseErrored after a kept state = %v, want a refusal", err)
	}
}
