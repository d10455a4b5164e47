package pulumi

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
)

func TestPulumiCommandBuild(t *testing.T) {
	t.Parallel()
	c := &pulumiCLI{path: "/opt/pulumi"}
	cmd := c.command(t.Context(), "/work", []string{"A=1"}, []string{"up", "--yes"})
	if want := []string{"/opt/pulumi", "--non-interactive", "up", "--yes"}; !slices.Equal(cmd.Args, want) {
		t.Errorf("args = %q, want %q", cmd.Args, want)
	}
	if cmd.Dir != "/work" || cmd.WaitDelay != automation.InterruptGrace || cmd.Cancel == nil {
		t.Errorf("cmd dir %q, wait delay %s, cancel set %v", cmd.Dir, cmd.WaitDelay, cmd.Cancel != nil)
	}
	if automation.InterruptGrace >= 10*time.Second {
		t.Errorf("InterruptGrace %s is not under the runner's 10s", automation.InterruptGrace)
	}
	if !slices.Contains(cmd.Env, "A=1") || !slices.Contains(cmd.Env, "PULUMI_SKIP_UPDATE_CHECK=true") {
		t.Errorf("env lacks the extra variables: %q", cmd.Env[len(cmd.Env)-3:])
	}
}

func TestFindPulumi(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "pulumi")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := Find("", filepath.Join(dir, "missing"), dir); err != nil || got != bin {
		t.Errorf("Find(dirs) = %q, %v, want %q", got, err, bin)
	}
	if got, err := Find(bin); err != nil || got != bin {
		t.Errorf("Find(explicit) = %q, %v", got, err)
	}
	if _, err := Find(filepath.Join(dir, "nope")); err == nil || !strings.Contains(err.Error(), "PRENV_PULUMI") {
		t.Errorf("Find(missing explicit) error = %v", err)
	}
}

// TestPulumiVersionCheck writes its stand-in pulumi scripts before it goes
// parallel: a script written while another test forks can be held open by
// the child for an instant, and running it then fails with "text file busy".
func TestPulumiVersionCheck(t *testing.T) {
	tests := []struct {
		name, script, wantErr string
	}{
		{"too old", "echo v3.100.0", "pulumi v3.100.0 at"},
		{"unstamped", "echo v0.0.0-dev", "older than v3.250.0"},
		{"not a version", "echo hello", "not a release"},
		{"fails", "exit 1", "does not run as pulumi"},
		{"new enough", "echo v3.250.0", ""},
	}
	dir := t.TempDir()
	bins := make([]string, len(tests))
	for i, tt := range tests {
		bins[i] = filepath.Join(dir, fmt.Sprintf("%d", i), "pulumi")
		if err := os.MkdirAll(filepath.Dir(bins[i]), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bins[i], []byte("#!/bin/sh\n"+tt.script+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Parallel()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Check(context.Background(), bins[i])
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Check: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Check error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}
