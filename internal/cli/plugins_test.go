package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/prenv/prenv/automation/pulumi"
	"github.com/prenv/prenv/stacks/aws"
)

// runApp runs prenv in-process with args and returns stdout and the exit code.
func runApp(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	app := &App{Getenv: func(string) string { return "" }, Stdout: &stdout, Stderr: &stderr}
	code := app.Run(context.Background(), args)
	if code != ExitOK {
		t.Logf("stderr: %s", stderr.String())
	}
	return stdout.String(), code
}

func TestPluginsPrintsThePins(t *testing.T) {
	t.Parallel()
	t.Run("json", func(t *testing.T) {
		out, code := runApp(t, "plugins", "--json")
		var got pinsJSON
		if err := json.Unmarshal([]byte(out), &got); err != nil || code != ExitOK {
			t.Fatalf("prenv plugins --json: exit %d, %v\n%s", code, err, out)
		}
		if got.Pulumi != pulumi.Version.String() {
			t.Errorf("pulumi = %q, want %q", got.Pulumi, pulumi.Version)
		}
		if len(got.Plugins) != len(aws.Plugins) {
			t.Fatalf("plugins = %+v, want the %d of stacks/aws.Plugins", got.Plugins, len(aws.Plugins))
		}
		for i, p := range aws.Plugins {
			if want := (pluginJSON{Kind: "resource", Name: p.Name, Version: p.Version, Built: p.Built}); got.Plugins[i] != want {
				t.Errorf("plugins[%d] = %+v, want %+v", i, got.Plugins[i], want)
			}
		}
	})
	t.Run("text", func(t *testing.T) {
		out, code := runApp(t, "plugins")
		if code != ExitOK {
			t.Fatalf("prenv plugins: exit %d", code)
		}
		wants := []string{"pulumi  ", "v" + pulumi.Version.String()}
		for _, p := range aws.Plugins {
			wants = append(wants, "pulumi plugin install resource "+p.Name+" "+p.Version+"\n")
			if p.Built != "" {
				wants = append(wants, "pulumi plugin install resource "+p.Name+" "+p.Version+" --file "+p.Built+"\n")
			}
		}
		for _, want := range wants {
			if !strings.Contains(out, want) {
				t.Errorf("prenv plugins does not print %q:\n%s", want, out)
			}
		}
	})
	t.Run("no arguments", func(t *testing.T) {
		if _, code := runApp(t, "plugins", "aws"); code != ExitUsage {
			t.Errorf("prenv plugins aws: exit %d, want %d", code, ExitUsage)
		}
	})
}
