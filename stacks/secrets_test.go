package stacks

import (
	"strings"
	"testing"
)

func TestCheckSecretsProvider(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{
		"passphrase",
		"awskms://alias/prenv?region=eu-west-1",
		"awskms:///arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"awskms://1234abcd-12ab-34cd-56ef-1234567890ab?region=us-east-1&endpoint=http://127.0.0.1:5000",
		"gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k",
		"azurekeyvault://team.vault.azure.net/keys/prenv",
		"hashivault://prenv",
	} {
		if err := CheckSecretsProvider(ok); err != nil {
			t.Errorf("CheckSecretsProvider(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"", "Passphrase", "default", "awskms://", "s3://bucket", "kms://alias/x", "service"} {
		err := CheckSecretsProvider(bad)
		if err == nil || !strings.Contains(err.Error(), "use passphrase, or a key's URL") || strings.Contains(err.Error(), "\n") {
			t.Errorf("CheckSecretsProvider(%q) = %v, want one line saying what to use", bad, err)
		}
	}
}
