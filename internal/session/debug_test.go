package session_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/session"
	"github.com/prenv/prenv/internal/testenv"
)

// The commands prenv debug prints open prenv's own stack with the plain
// pulumi CLI: same backend, project and stack names, and the passphrase
// from where prenv keeps it, never printed.
func TestDebuggingOpensTheStackWithThePulumiCLI(t *testing.T) {
	t.Parallel()
	pulumi := testenv.Pulumi(t)
	home := t.TempDir()
	const passphrase = "debug-test-passphrase"
	if err := os.WriteFile(home+"/passphrase", []byte(passphrase+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"PRENV_HOME": home, "PRENV_PULUMI": pulumi, "GITHUB_REPOSITORY": "acme/shop", "PULUMI_HOME": t.TempDir()}
	h := session.Host{Getenv: func(k string) string { return env[k] }}
	s, err := h.Open(t.Context(), session.Options{Blueprint: "../../examples/lifecycle/prenv.yaml", PR: "42", Program: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Engine.Up(t.Context(), s.Env); err != nil {
		t.Fatal(err)
	}
	d, err := h.Debugging(s, testenv.RepoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	if text := strings.Join(d.Env, "\n"); strings.Contains(text, passphrase) {
		t.Fatalf("the environment lines print the passphrase:\n%s", text)
	}
	var line string
	for _, c := range d.Commands {
		if strings.Contains(c.Line, "stack output") {
			line = c.Line
		}
	}
	argv := strings.Fields(line)
	if len(argv) == 0 || argv[0] != "pulumi" {
		t.Fatalf("no pulumi stack output command among %+v", d.Commands)
	}
	cmd := exec.CommandContext(t.Context(), pulumi, append(argv[1:], "--json")...)
	cmd.Dir = t.TempDir() // no Pulumi.yaml: the stack name alone must find it
	cmd.Env = append(os.Environ(), "PULUMI_HOME="+env["PULUMI_HOME"], "PULUMI_SKIP_UPDATE_CHECK=true")
	for _, e := range d.Env {
		cmd.Env = append(cmd.Env, strings.Fields(e)[0]) // NAME=value, unquoted here
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", line, err, out)
	}
	var outputs map[string]any
	if err := json.Unmarshal(out, &outputs); err != nil {
		t.Fatalf("%s printed no JSON: %v\n%s", line, err, out)
	}
	if outputs["env"] != "pr-42" {
		t.Errorf("the pulumi CLI read outputs %v, want env pr-42", outputs)
	}
}

// Secrets stay out of what debug prints even when the shell holds them.
func TestDebuggingNeverPrintsThePassphrase(t *testing.T) {
	t.Parallel()
	env := map[string]string{"PRENV_HOME": t.TempDir(), "PULUMI_CONFIG_PASSPHRASE": "s3cret-value", "GITHUB_REPOSITORY": "acme/shop"}
	h := session.Host{Getenv: func(k string) string { return env[k] }}
	s, err := h.Open(t.Context(), session.Options{Blueprint: "../../examples/lifecycle/prenv.yaml", PR: "7", Locate: true})
	if err != nil {
		t.Fatal(err)
	}
	d, err := h.Debugging(s, "/src/prenv")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(d)
	if strings.Contains(string(data), "s3cret-value") {
		t.Fatalf("debug prints the passphrase: %s", data)
	}
	if !strings.Contains(string(data), "organization/lifecycle/pr-7") || !strings.Contains(string(data), "dlv debug . -- preview --env pr-7") {
		t.Errorf("debug names neither the stack nor the debugger command: %s", data)
	}
}

// With a key service, the plain pulumi CLI needs no passphrase: debug
// names none.
func TestDebuggingWithAKeyNamesNoPassphrase(t *testing.T) {
	t.Parallel()
	env := map[string]string{"PRENV_HOME": t.TempDir(), "GITHUB_REPOSITORY": "acme/shop"}
	h := session.Host{Getenv: func(k string) string { return env[k] }}
	s, err := h.Open(t.Context(), session.Options{
		Blueprint: "../../examples/lifecycle/prenv.yaml", PR: "7", Locate: true, SecretsProvider: "awskms://alias/prenv?region=eu-west-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := h.Debugging(s, "/src/prenv")
	if err != nil {
		t.Fatal(err)
	}
	if text := strings.Join(d.Env, "\n"); strings.Contains(text, "PASSPHRASE") || !strings.Contains(text, "PULUMI_BACKEND_URL=") {
		t.Errorf("debug's environment = %q, want the backend and no passphrase", text)
	}
}
