package automation

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
)

func TestOptions(t *testing.T) {
	t.Parallel()
	o := Resolve([]Option{WaitForLock(2 * time.Minute), MaxJobTime(time.Hour), Remove(), RefreshFirst()})
	if o.WaitForLock != 2*time.Minute || o.MaxJobTime != time.Hour || !o.Remove || !o.RefreshFirst {
		t.Errorf("options = %+v", o)
	}
	if d := Resolve(nil); d.WaitForLock != 0 || d.MaxJobTime != DefaultMaxJobTime || d.Progress == nil {
		t.Errorf("default options = %+v", d)
	}
}

func TestUpArgs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []Option
		want []string
	}{
		{"plain", nil, []string{"up", "--yes", "--skip-preview", "--stack", "pr-1", "--client=127.0.0.1:5",
			"--exec-kind=auto.inline", "--event-log", "tcp://127.0.0.1:6", "--color=never", "--suppress-progress"}},
		{"refresh first", []Option{RefreshFirst()}, []string{"up", "--yes", "--skip-preview", "--stack", "pr-1", "--client=127.0.0.1:5",
			"--exec-kind=auto.inline", "--event-log", "tcp://127.0.0.1:6", "--color=never", "--suppress-progress", "--refresh"}},
		{"extend", []Option{Extend(time.Now())}, []string{"up", "--yes", "--skip-preview", "--stack", "pr-1", "--client=127.0.0.1:5",
			"--exec-kind=auto.inline", "--event-log", "tcp://127.0.0.1:6", "--color=never", "--suppress-progress",
			"--target", "urn:pulumi:pr-1::shop::pulumi:pulumi:Stack::shop-pr-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := upArgs("pr-1", "shop", "127.0.0.1:5", "tcp://127.0.0.1:6", Resolve(tt.opts))
			if !slices.Equal(got, tt.want) {
				t.Errorf("upArgs = %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestDestroyOptions(t *testing.T) {
	t.Parallel()
	for _, remove := range []bool{false, true} {
		var opts []Option
		if remove {
			opts = append(opts, Remove())
		}
		var got optdestroy.Options
		for _, o := range destroyOptions(Resolve(opts), nil) {
			o.ApplyOption(&got)
		}
		if got.Remove != remove {
			t.Errorf("Remove() given %v: destroy Remove = %v", remove, got.Remove)
		}
	}
}

func TestPulumiCommandBuild(t *testing.T) {
	t.Parallel()
	c := &pulumiCLI{path: "/opt/pulumi"}
	cmd := c.command(t.Context(), "/work", []string{"A=1"}, []string{"up", "--yes"})
	if want := []string{"/opt/pulumi", "--non-interactive", "up", "--yes"}; !slices.Equal(cmd.Args, want) {
		t.Errorf("args = %q, want %q", cmd.Args, want)
	}
	if cmd.Dir != "/work" || cmd.WaitDelay != InterruptGrace || cmd.Cancel == nil {
		t.Errorf("cmd dir %q, wait delay %s, cancel set %v", cmd.Dir, cmd.WaitDelay, cmd.Cancel != nil)
	}
	if InterruptGrace >= 10*time.Second {
		t.Errorf("InterruptGrace %s is not under the runner's 10s", InterruptGrace)
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
	if got, err := FindPulumi("", filepath.Join(dir, "missing"), dir); err != nil || got != bin {
		t.Errorf("FindPulumi(dirs) = %q, %v, want %q", got, err, bin)
	}
	if got, err := FindPulumi(bin); err != nil || got != bin {
		t.Errorf("FindPulumi(explicit) = %q, %v", got, err)
	}
	if _, err := FindPulumi(filepath.Join(dir, "nope")); err == nil || !strings.Contains(err.Error(), "PRENV_PULUMI") {
		t.Errorf("FindPulumi(missing explicit) error = %v", err)
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
			_, err := CheckPulumi(context.Background(), bin)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("CheckPulumi: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("CheckPulumi error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}
