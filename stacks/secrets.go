package stacks

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// SecretsPassphrase is the secrets provider that encrypts a Pulumi stack's
// secrets with PULUMI_CONFIG_PASSPHRASE, the default.
const SecretsPassphrase = "passphrase"

// SecretsKeySchemes are the key services, besides the passphrase, that
// Pulumi stacks' secrets can be encrypted with, as gocloud keeper URLs.
var SecretsKeySchemes = []string{"awskms", "gcpkms", "azurekeyvault", "hashivault"}

// CheckSecretsProvider returns nil if p is a secrets provider Pulumi
// stacks take: passphrase, or a key such as awskms://alias/prenv?region=eu-west-1,
// gcpkms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>,
// azurekeyvault://<vault>.vault.azure.net/keys/<key> or hashivault://<key>.
func CheckSecretsProvider(p string) error {
	if p == SecretsPassphrase {
		return nil
	}
	u, err := url.Parse(p)
	if err != nil || !slices.Contains(SecretsKeySchemes, u.Scheme) || strings.Trim(u.Host+u.Path, "/") == "" {
		return fmt.Errorf("%q is not a secrets provider: use passphrase, or a key's URL such as awskms://alias/prenv?region=eu-west-1 (%s)",
			p, strings.Join(schemesOf(SecretsKeySchemes), ", "))
	}
	return nil
}

func schemesOf(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n + "://"
	}
	return out
}
