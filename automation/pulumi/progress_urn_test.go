package pulumi

import "testing"

// TestURNType: only a resource's own type decides whether its info lines
// are prenv's, not the project's name or a parent's type.
func TestURNType(t *testing.T) {
	t.Parallel()
	for urn, want := range map[string]string{
		"urn:pulumi:pr-1::shop::prenv:local:Database::db":                         "prenv:local:Database",
		"urn:pulumi:pr-1::prenv::aws:rds/instance:Instance::db":                   "aws:rds/instance:Instance",
		"urn:pulumi:pr-1::shop::prenv:index:Env$kubernetes:core/v1:Namespace::ns": "kubernetes:core/v1:Namespace",
		"urn:pulumi:pr-1::shop::pulumi:pulumi:Stack::shop-pr-1":                   "pulumi:pulumi:Stack",
		"not a urn": "",
	} {
		if got := urnType(urn); got != want {
			t.Errorf("urnType(%q) = %q, want %q", urn, got, want)
		}
	}
}
