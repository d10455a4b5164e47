package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

// TestBinaryTerraformOwnModule runs a team's own root module with the
// blueprint's terraform.vars.
func TestBinaryTerraformOwnModule(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	s.extraEnv = append(s.extraEnv, "PRENV_TERRAFORM="+testenv.Terraform(t))
	none, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "modules", "none", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	module := filepath.Join(s.dir, "infra")
	os.Mkdir(module, 0o755) //nolint:errcheck
	own := string(none) + `
variable "greeting" {
  type = string
}

output "greeting" {
  value = var.greeting
}
`
	if err := os.WriteFile(filepath.Join(module, "main.tf"), []byte(own), 0o644); err != nil {
		t.Fatal(err)
	}
	write := func(vars string) {
		bp := "project: tfown\ntarget: none\nengine: terraform\nterraform:\n  module: infra\n  vars:\n" + vars
		os.WriteFile(filepath.Join(s.dir, "prenv.yaml"), []byte(bp), 0o644) //nolint:errcheck
	}
	write("    greeting: hello\n")
	out, stderr, code := s.run("up", "--pr", "3", "--json")
	if code != 0 || !strings.Contains(out, `"greeting": "hello"`) {
		t.Fatalf("up: exit %d, %s\n%s", code, stderr, out)
	}
	write("    greeting: hello\n    pr_number: \"9\"\n")
	if _, stderr, code := s.run("up", "--pr", "3"); code == 0 || !strings.Contains(stderr, `"pr_number" is one prenv sets itself`) {
		t.Errorf("a var prenv sets: exit %d, %s", code, stderr)
	}
	write("    greeting: hello\n")
	if _, stderr, code := s.run("destroy", "--pr", "3"); code != 0 {
		t.Errorf("destroy: %s", stderr)
	}
	os.Remove(filepath.Join(module, "main.tf")) //nolint:errcheck
	if _, stderr, code := s.run("up", "--pr", "4"); code != 2 || !strings.Contains(stderr, "holds no .tf files") {
		t.Errorf("an empty module directory: exit %d, %s", code, stderr)
	}
}
