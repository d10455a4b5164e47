package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Terraform returns the terraform CLI: PRENV_TERRAFORM when set, else
// terraform on PATH, else the OpenTofu that `make tools` builds into ./bin
// when no terraform is installed. It fails the test if there is none.
func Terraform(t testing.TB) string {
	t.Helper()
	RequireTool(t, "terraform or OpenTofu", "make tools")
	if p := os.Getenv("PRENV_TERRAFORM"); p != "" {
		return p
	}
	if p, err := exec.LookPath("terraform"); err == nil {
		return p
	}
	p := filepath.Join(RepoRoot(t), "bin", "tofu")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("neither terraform on PATH nor OpenTofu at %s: install terraform >= 1.5 or run `make tools`", p)
	}
	return p
}
