package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

// TestCaddyPinMatchesMakefile keeps the Caddy make bench builds
// (internal/tools/caddy) the version the Makefile names.
func TestCaddyPinMatchesMakefile(t *testing.T) {
	t.Parallel()
	root := testenv.RepoRoot(t)
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(root, "internal", "tools", "caddy", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	named := regexp.MustCompile(`(?m)^CADDY_VERSION\s*:=\s*(\S+)$`).FindSubmatch(makefile)
	pinned := regexp.MustCompile(`(?m)^\s*github\.com/caddyserver/caddy/v2 (\S+)`).FindSubmatch(gomod)
	if named == nil || pinned == nil {
		t.Fatalf("found CADDY_VERSION %q in the Makefile and a caddy/v2 requirement %q in internal/tools/caddy/go.mod: want both", named, pinned)
	}
	if string(named[1]) != string(pinned[1]) {
		t.Errorf("the Makefile says caddy %s, internal/tools/caddy/go.mod pins %s: make them equal", named[1], pinned[1])
	}
}
