package session_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/session"
	"github.com/prenv/prenv/stacks"
)

// A key service encrypts the stacks' secrets without a passphrase: none
// is asked for in CI, nor generated on a laptop; the passphrase provider
// still needs one.
func TestSecretsProviderDecidesThePassphrase(t *testing.T) {
	t.Parallel()
	const key = "awskms://alias/prenv?region=eu-west-1"
	for _, tc := range []struct {
		name, provider string
		ci             bool
		want           string // part of Open's error
		generated      bool   // a passphrase is generated in the home
	}{
		// No pulumi exists: Open fails looking for it once past the passphrase.
		{"key in CI", key, true, "PRENV_PULUMI=/nonexistent/pulumi does not exist", false},
		{"key on a laptop", key, false, "PRENV_PULUMI=/nonexistent/pulumi does not exist", false},
		{"passphrase in CI", "", true, "PULUMI_CONFIG_PASSPHRASE is not set", false},
		{"passphrase on a laptop", "passphrase", false, "PRENV_PULUMI=/nonexistent/pulumi does not exist", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			env := map[string]string{"PRENV_HOME": home, "GITHUB_REPOSITORY": "acme/shop", "PRENV_PULUMI": "/nonexistent/pulumi"}
			if tc.ci {
				env["CI"] = "true"
			}
			var notices strings.Builder
			h := session.Host{Getenv: func(k string) string { return env[k] }, Notices: &notices}
			_, err := h.Open(t.Context(), session.Options{
				Blueprint: "../../examples/lifecycle/prenv.yaml", PR: "1", AllowLocalState: true, SecretsProvider: tc.provider,
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Open = %v, want an error saying %q", err, tc.want)
			}
			_, statErr := os.Stat(filepath.Join(home, "passphrase"))
			if generated := statErr == nil; generated != tc.generated || strings.Contains(notices.String(), "generated") != tc.generated {
				t.Errorf("passphrase generated = %v (notices %q), want %v", generated, notices.String(), tc.generated)
			}
		})
	}
}

// A secrets provider that is no key service's URL, and one given to the
// Terraform engine, are refused in one line before any engine runs.
func TestSecretsProviderRefusals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, provider string
		engine         stacks.EngineName
		want           string
	}{
		{"not a provider", "kms://alias/prenv", stacks.EnginePulumi, `"kms://alias/prenv" is not a secrets provider`},
		{"a key for terraform", "awskms://alias/prenv", stacks.EngineTerraform, "encrypts engine pulumi's stack secrets"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"PRENV_HOME": t.TempDir(), "GITHUB_REPOSITORY": "acme/shop", "PRENV_TERRAFORM": "/nonexistent/terraform"}
			h := session.Host{Getenv: func(k string) string { return env[k] }}
			_, err := h.Open(t.Context(), session.Options{
				Blueprint: "../../examples/lifecycle/prenv.yaml", PR: "1", SecretsProvider: tc.provider,
				Adjust: func(bp *stacks.Blueprint) error { bp.Engine = tc.engine; return nil },
			})
			if !stacks.IsInput(err) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Open = %v, want one input error line saying %q", err, tc.want)
			}
		})
	}
}
