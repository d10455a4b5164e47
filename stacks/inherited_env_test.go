package stacks_test

import (
	"slices"
	"testing"

	"github.com/prenv/prenv/stacks"
)

func TestInheritedEnvDropsTheRunsSecrets(t *testing.T) {
	t.Parallel()
	environ := []string{
		"PATH=/usr/bin", "HOME=/github/home", "GITHUB_REPOSITORY=acme/shop",
		"GITHUB_TOKEN=ghs_x", "INPUT_GITHUB-TOKEN=ghs_x", "PULUMI_CONFIG_PASSPHRASE=p", "PRENV_POSTGRES_URL=postgres://a:b@h/db",
		"PRENV_ANONYMIZE_SALT=s", "SHOP_SALT=s2", "AWS_SECRET_ACCESS_KEY=k", "ACTIONS_ID_TOKEN_REQUEST_TOKEN=t",
	}
	got := stacks.InheritedEnv(environ, "SHOP_SALT")
	want := []string{"PATH=/usr/bin", "HOME=/github/home", "GITHUB_REPOSITORY=acme/shop"}
	if !slices.Equal(got, want) {
		t.Errorf("InheritedEnv = %q, want %q", got, want)
	}
}
