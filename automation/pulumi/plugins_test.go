package pulumi

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/prenv/prenv/stacks"
)

func TestCheckPins(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		pins []stacks.Plugin
		home string
		want string // "" for no error
	}{
		{"exact versions", []stacks.Plugin{{Name: "aws", Version: "6.83.0"}, {Name: "x", Version: "1.0.0-rc.1", Server: "https://example.com"}}, "/h", ""},
		{"none needs no home", nil, "", ""},
		{"no home", []stacks.Plugin{{Name: "aws", Version: "6.83.0"}}, "", "needs PulumiHome"},
		{"leading v", []stacks.Plugin{{Name: "aws", Version: "v6.83.0"}}, "/h", `version "v6.83.0"`},
		{"range", []stacks.Plugin{{Name: "aws", Version: "6.x"}}, "/h", "not an exact version"},
		{"no name", []stacks.Plugin{{Version: "1.0.0"}}, "/h", "plain name"},
		{"path as name", []stacks.Plugin{{Name: "../aws", Version: "1.0.0"}}, "/h", "plain name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := checkPins(tt.pins, tt.home)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("checkPins: %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("checkPins: %v, want %q", err, tt.want)
			}
		})
	}
}

func TestMissingPlugins(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	done := stacks.Plugin{Name: "aws", Version: "6.83.0"}
	partial := stacks.Plugin{Name: "kubernetes", Version: "4.23.0"}
	other := stacks.Plugin{Name: "random", Version: "4.18.2"}
	file := stacks.Plugin{Name: "odd", Version: "1.0.0"}
	for _, p := range []stacks.Plugin{done, partial} {
		if err := os.MkdirAll(pluginDir(home, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{pluginDir(home, partial) + ".partial", pluginDir(home, file)} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// another version of a pinned plugin is not the pinned one
	if err := os.MkdirAll(filepath.Join(home, "plugins", "resource-random-v4.19.0"), 0o755); err != nil {
		t.Fatal(err)
	}
	got := missingPlugins(home, []stacks.Plugin{done, partial, other, file})
	if want := []stacks.Plugin{partial, other, file}; !slices.Equal(got, want) {
		t.Errorf("missingPlugins = %v, want %v", got, want)
	}
}

func TestOfflineErrorNamesTheInstallCommands(t *testing.T) {
	t.Parallel()
	err := offlineError("/h", []stacks.Plugin{{Name: "aws", Version: "6.83.0"}, {Name: "x", Version: "1.0.0", Server: "https://example.com/x"}})
	for _, want := range []string{"aws v6.83.0, x v1.0.0", "/h/plugins",
		"`pulumi plugin install resource aws 6.83.0 && pulumi plugin install resource x 1.0.0 --server https://example.com/x`", "prenv plugins", "--offline"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("offlineError = %q, want it to name %q", err, want)
		}
	}
}

func TestInstallError(t *testing.T) {
	t.Parallel()
	pin := stacks.Plugin{Name: "aws", Version: "6.83.0"}
	// as the Automation API reports a failed `pulumi plugin install`
	cause := errors.New("failed to install plugin: exit status 1\ncode: 1\nstdout: \nstderr: [resource plugin aws-6.83.0] installing\n" +
		"error: [resource plugin aws-6.83.0] downloading from : failed to download plugin: aws-6.83.0: 404 HTTP error fetching plugin from https://mirror/pulumi-resource-aws-v6.83.0-linux-amd64.tar.gz\n")
	err := installError(t.Context(), pin, cause)
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("installError spans lines:\n%s", msg)
	}
	for _, want := range []string{"aws v6.83.0", defaultSource, "404 HTTP error fetching plugin from https://mirror/pulumi-resource-aws-v6.83.0-linux-amd64.tar.gz",
		"PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES", "`pulumi plugin install resource aws 6.83.0`", "--offline"} {
		if !strings.Contains(msg, want) {
			t.Errorf("installError = %q, want it to name %q", msg, want)
		}
	}
	if !errors.Is(err, cause) {
		t.Errorf("installError does not wrap its cause")
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := installError(ctx, pin, cause); !errors.Is(err, context.Canceled) {
		t.Errorf("installError after a cancel = %v, want context.Canceled", err)
	}
}

func TestPulumiReason(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, text, want string }{
		{"last error line", "failed\nstderr: warning: x\nerror: first\nerror: the reason\n", "the reason"},
		{"no error line", "exec: \"pulumi\": not found\nmore", `exec: "pulumi": not found`},
		{"retried", "failed to install plugin: exit status 1\ncode: 1\nstdout: \nstderr: [resource plugin aws-6.83.0] installing\n" +
			"warning: Error downloading plugin: Get \"http://127.0.0.1:1/a.tar.gz\": dial tcp 127.0.0.1:1: connect: connection refused\nWill retry in 80ms [1/5]\n" +
			"warning: Error downloading plugin: Get \"http://127.0.0.1:1/a.tar.gz\": dial tcp 127.0.0.1:1: connect: connection refused\nWill retry in 1.28s [5/5]\n" +
			"error: [resource plugin aws-6.83.0] downloading from : failed to download plugin: aws-6.83.0: failed all 5 attempts\n",
			`[resource plugin aws-6.83.0] downloading from : failed to download plugin: aws-6.83.0: failed all 5 attempts (the last: Get "http://127.0.0.1:1/a.tar.gz": dial tcp 127.0.0.1:1: connect: connection refused)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := pulumiReason(errors.New(tt.text)); got != tt.want {
				t.Errorf("pulumiReason = %q, want %q", got, tt.want)
			}
		})
	}
}
