package aws_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/prenv/prenv/stacks/aws"
)

// TestBuiltPluginsHaveAMakeTarget: each plugin `make tools` builds from
// source has its target, and the Makefile's sed finds the plugin's pinned
// version in plugins.go, so the build reports the version the program pins.
func TestBuiltPluginsHaveAMakeTarget(t *testing.T) {
	t.Parallel()
	makefile, err := os.ReadFile(filepath.Join("..", "..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	source, err := os.ReadFile("plugins.go")
	if err != nil {
		t.Fatal(err)
	}
	built := 0
	for _, p := range aws.Plugins {
		if p.Built == "" {
			continue
		}
		built++
		target := "$(BIN)/" + strings.TrimPrefix(p.Built, "bin/") + ":"
		if !strings.Contains(string(makefile), target) {
			t.Errorf("Makefile has no target %s for plugin %s", target, p)
		}
		// The Makefile's sed: s/.*Name: "kubernetes", Version: "\([0-9.]*\)".*/\1/p
		m := regexp.MustCompile(`Name: "` + p.Name + `", Version: "([0-9.]*)"`).FindSubmatch(source)
		if m == nil || string(m[1]) != p.Version {
			t.Errorf("plugins.go does not read Name: %q, Version: %q on one line, which the Makefile's sed needs", p.Name, p.Version)
		}
	}
	if built == 0 {
		t.Error("no plugin is built from source: the Kubernetes provider should be")
	}
}
