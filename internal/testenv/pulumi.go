package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// RepoRoot returns the directory holding the module's go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "main.go")); err == nil {
				return dir
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("cannot find the prenv repository root (go.mod beside main.go) above the test's directory")
		}
		dir = parent
	}
}

// Pulumi returns the path of the pulumi CLI that `make tools` builds, or
// PRENV_PULUMI when set. It fails the test if there is none.
func Pulumi(t testing.TB) string {
	t.Helper()
	RequireTool(t, "the pulumi CLI", "make tools")
	if p := os.Getenv("PRENV_PULUMI"); p != "" {
		return p
	}
	p := filepath.Join(RepoRoot(t), "bin", "pulumi")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("pulumi CLI not found at %s: run `make tools`", p)
	}
	return p
}

// Prenv returns the path of the prenv binary that `make build` writes, or
// PRENV_BINARY when set (a build of a branch whose ./bin is another's).
// Beside it must be the links make build makes: pulumi-resource-prenv and
// prenv-action-post.
func Prenv(t testing.TB) string {
	t.Helper()
	RequireTool(t, "the prenv binary", "make build")
	p := filepath.Join(RepoRoot(t), "bin", "prenv")
	if b := os.Getenv("PRENV_BINARY"); b != "" {
		p = b
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("prenv binary not found at %s: run `make build`", p)
	}
	return p
}

// Backend returns a fresh file:// backend URL in a temporary directory.
func Backend(t testing.TB) string {
	t.Helper()
	return "file://" + t.TempDir()
}
