package pulumi

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/prenv/prenv/internal/state"
	"github.com/prenv/prenv/stacks"
)

// secrets is how a stack's secrets are encrypted, as its state records it.
type secrets struct {
	provider     string // stacks.SecretsPassphrase, a key's URL, or "" when the state says nothing
	salt         string // the passphrase's salt
	encryptedKey string // the data key the key service encrypted, base64
}

// secretsOf reads the secrets provider a stack's state records.
func secretsOf(s state.Stack) secrets {
	switch {
	case s.SecretsProvider != "":
		return secrets{provider: s.SecretsProvider, encryptedKey: s.EncryptedKey}
	case s.Salt != "":
		return secrets{provider: stacks.SecretsPassphrase, salt: s.Salt}
	default:
		return secrets{}
	}
}

// check refuses a stack whose secrets another provider encrypts than
// given: pulumi would otherwise make a new key with the given one, and the
// stack's secrets would be encrypted two ways.
func (s secrets) check(stack, given string) error {
	if s.provider == "" || s.provider == given {
		return nil
	}
	return stacks.Input(fmt.Errorf("stack %s keeps its secrets with %s, not with %s that prenv was given: set secrets-provider (--secrets-provider, the Action's input or the blueprint's) to %s, "+
		"or move the stack with `pulumi stack change-secrets-provider --stack %s %s`", stack, describe(s.provider), describe(given), s.provider, stack, given))
}

// describe names a secrets provider in a message.
func describe(provider string) string {
	if provider == stacks.SecretsPassphrase {
		return "the passphrase (PULUMI_CONFIG_PASSPHRASE)"
	}
	return provider
}

// settle writes the secrets provider into a stack's settings, keeping
// what a stack created in this workspace already wrote there.
func (s secrets) settle(settings *workspace.ProjectStack) {
	if s.provider == stacks.SecretsPassphrase || s.provider == "" {
		if settings.EncryptionSalt == "" {
			settings.EncryptionSalt = s.salt
		}
		return
	}
	if settings.SecretsProvider == "" {
		settings.SecretsProvider = s.provider
	}
	if settings.EncryptedKey == "" && settings.SecretsProvider == s.provider {
		settings.EncryptedKey = s.encryptedKey
	}
}
