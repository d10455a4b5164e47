package local

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/stacks"
)

// TestStubCommand: a stub's command, run by /bin/sh as every service's
// is, hands prenv its mappings directory as one argument, whatever the
// path holds.
func TestStubCommand(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "it's a $HOME; `dir`")
	bp, err := stacks.Parse(filepath.Join(dir, "prenv.yaml"), []byte("project: shop\ntarget: local\nservices:\n  - {name: web, entry: true, run: ./web --flag}\n  - {name: payments, stub: {mappings: \"stubs/pay ments\"}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	// A prenv that prints each argument it gets in brackets, one a line.
	binary := filepath.Join(t.TempDir(), "pre nv")
	if err := os.WriteFile(binary, []byte("#!/bin/sh\nfor a; do echo \"[$a]\"; done\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	target := Target{Binary: binary}
	if got := target.command(bp, bp.Services[0]); got != "./web --flag" {
		t.Errorf("web's command %q, want its run", got)
	}
	out, err := exec.Command("/bin/sh", "-c", target.command(bp, bp.Services[1])).Output()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(string(out)), "[stub]\n[serve]\n[--mappings]\n["+filepath.Join(dir, "stubs", "pay ments")+"]"; got != want {
		t.Errorf("the stub's command ran as %q, want %q", got, want)
	}
}
