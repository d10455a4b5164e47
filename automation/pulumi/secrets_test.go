package pulumi_test

import (
	"strings"
	"testing"

	sdk "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/automation/internal/enginetest"
	"github.com/prenv/prenv/automation/pulumi"
	"github.com/prenv/prenv/internal/state"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks"
)

// secretProgram exports the environment's name and a secret token.
func secretProgram(env stacks.Env) (sdk.RunFunc, error) {
	return func(ctx *sdk.Context) error {
		ctx.Export("env", sdk.String(env.Name))
		ctx.Export("token", sdk.ToSecret(sdk.String("s3cr3t-"+env.Name)))
		return nil
	}, nil
}

// newSecretsEngine returns an engine on backend whose stacks' secrets
// provider encrypts, with passphrase when it is the passphrase.
func newSecretsEngine(t *testing.T, backend, provider, passphrase string) (*pulumi.Engine, error) {
	t.Helper()
	return pulumi.New(t.Context(), pulumi.Config{
		Project:         enginetest.Project,
		BackendURL:      backend,
		Binary:          testenv.Pulumi(t),
		SecretsProvider: provider,
		Passphrase:      passphrase,
		Program:         secretProgram,
	})
}

// TestKMSSecretsProvider keeps a stack's secrets with an AWS KMS key (on
// moto_server) and no passphrase at all: up withholds the secret, Outputs
// reads it back, the state records the key, and a later run in a fresh
// workspace opens the stack by the key alone.
func TestKMSSecretsProvider(t *testing.T) {
	t.Parallel()
	key := testenv.KMS(t)
	backend := testenv.Backend(t)
	eng, err := newSecretsEngine(t, backend, key.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	env := enginetest.Env(t, 70)
	res, err := eng.Up(t.Context(), env)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Outputs["token"]; !got.Secret || got.Value == "s3cr3t-pr-70" {
		t.Errorf("up's token output = %+v, want it secret and withheld", got)
	}
	outs, err := eng.Outputs(t.Context(), env)
	if err != nil {
		t.Fatal(err)
	}
	if got := outs["token"]; !got.Secret || got.Value != "s3cr3t-pr-70" {
		t.Errorf("Outputs token = %+v, want the secret's value, marked secret", got)
	}
	st, err := state.Open(t.Context(), backend)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := st.Stack(t.Context(), enginetest.Project, env.Stack)
	if err != nil || s.SecretsProvider != key.URL || s.EncryptedKey == "" || s.Salt != "" {
		t.Errorf("the stack's state records secrets provider %q (key %q, salt %q), %v; want %s and no passphrase salt", s.SecretsProvider, s.EncryptedKey, s.Salt, err, key.URL)
	}
	// Every operation runs in a fresh workspace: the key alone opens it.
	again, err := eng.Up(t.Context(), env)
	if err != nil || again.Changed() {
		t.Fatalf("second up: %v, changes %v; want no change", err, again.Changes)
	}
	if refreshed, err := eng.Refresh(t.Context(), env); err != nil || refreshed.Outputs["token"].Value != "s3cr3t-pr-70" {
		t.Errorf("refresh: %v, token %+v; want the secret's value", err, refreshed.Outputs["token"])
	}
	if _, err := eng.Destroy(t.Context(), env, automation.Remove()); err != nil {
		t.Errorf("destroy: %v", err)
	}
}

// TestSecretsProviderMismatch opens a stack with another secrets provider
// than it was created with: a clear input error naming both, before
// pulumi runs.
func TestSecretsProviderMismatch(t *testing.T) {
	t.Parallel()
	key, other := testenv.KMS(t), testenv.KMS(t)
	backend := testenv.Backend(t)
	byKey, err := newSecretsEngine(t, backend, key.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	byPassphrase, err := newSecretsEngine(t, backend, stacks.SecretsPassphrase, "test-passphrase")
	if err != nil {
		t.Fatal(err)
	}
	byOther, err := newSecretsEngine(t, backend, other.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	kms, passphrase := enginetest.Env(t, 71), enginetest.Env(t, 72)
	if _, err := byKey.Up(t.Context(), kms); err != nil {
		t.Fatal(err)
	}
	if _, err := byPassphrase.Up(t.Context(), passphrase); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name       string
		eng        *pulumi.Engine
		env        stacks.Env
		has, given string
	}{
		{"passphrase on a KMS stack", byPassphrase, kms, key.URL, "the passphrase"},
		{"another key on a KMS stack", byOther, kms, key.URL, other.URL},
		{"a key on a passphrase stack", byKey, passphrase, "the passphrase", key.URL},
	} {
		_, err := tt.eng.Up(t.Context(), tt.env)
		if !stacks.IsInput(err) || !strings.Contains(err.Error(), "keeps its secrets with "+tt.has) || !strings.Contains(err.Error(), "not with "+tt.given) {
			t.Errorf("%s: up = %v, want an input error naming %s and %s", tt.name, err, tt.has, tt.given)
		}
	}
}

// TestKMSWrongKey creates a stack with a KMS key that does not exist: the
// error says the secrets provider failed, and names the key.
func TestKMSWrongKey(t *testing.T) {
	t.Parallel()
	key := testenv.KMS(t)
	missing := strings.Replace(key.URL, key.ID, "00000000-0000-4000-8000-000000000000", 1)
	eng, err := newSecretsEngine(t, testenv.Backend(t), missing, "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = eng.Up(t.Context(), enginetest.Env(t, 73))
	if !stacks.IsInput(err) || strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "RequestID") ||
		!strings.Contains(err.Error(), "key/00000000-0000-4000-8000-000000000000' does not exist") || !strings.Contains(err.Error(), "check the key's id") {
		t.Errorf("up with a missing key = %v, want one line naming the key, the cause and the fix", err)
	}
}
