package pulumi

import (
	"context"
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

func TestPulumiVersionCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, script, wantErr string
	}{
		{"too old", "echo v3.100.0", "pulumi v3.100.0 at"},
		{"unstamped", "echo v0.0.0-dev", "older than v3.250.0"},
		{"not a version", "echo hello", "not a release"},
		{"fails", "exit 1", "does not run as pulumi"},
		{"new enough", "echo v3.250.0", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			bin := filepath.Join(t.TempDir(), "pulumi")
			if err := os.WriteFile(bin, []byte("#!/bin/sh\n"+tt.script+"\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			_, err := Check(context.Background(), bin)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Check: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Check error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}
