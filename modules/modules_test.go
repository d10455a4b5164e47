package modules_test

import (
	"io/fs"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/modules"
)

// resources parses every .tf file of module with hcl/v2 and returns its
// resource addresses, failing on any diagnostic.
func resources(t *testing.T, module string) []string {
	t.Helper()
	mod, err := modules.For(module)
	if err != nil {
		t.Fatal(err)
	}
	files, err := fs.Glob(mod, "*.tf")
	if err != nil || len(files) == 0 {
		t.Fatalf("module %s has no .tf files (%v)", module, err)
	}
	parser := hclparse.NewParser()
	var addrs []string
	for _, name := range files {
		src, err := fs.ReadFile(mod, name)
		if err != nil {
			t.Fatal(err)
		}
		f, diags := parser.ParseHCL(src, module+"/"+name)
		if diags.HasErrors() {
			t.Fatalf("parse %s/%s: %s", module, name, diags.Error())
		}
		content, _, diags := f.Body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "resource", LabelNames: []string{"type", "name"}}}})
		if diags.HasErrors() {
			t.Fatalf("read %s/%s: %s", module, name, diags.Error())
		}
		for _, b := range content.Blocks {
			addrs = append(addrs, b.Labels[0]+"."+b.Labels[1])
		}
		if _, ok := f.Body.(*hclsyntax.Body); !ok {
			t.Errorf("%s/%s is not native HCL syntax", module, name)
		}
	}
	slices.Sort(addrs)
	return addrs
}

func TestModulesParse(t *testing.T) {
	t.Parallel()
	for _, name := range modules.Names() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := resources(t, name); len(got) == 0 {
				t.Errorf("module %s declares no resources", name)
			}
		})
	}
}

func TestModulesAreFormatted(t *testing.T) {
	t.Parallel()
	tf := testenv.Terraform(t)
	for _, name := range modules.Names() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(testenv.RepoRoot(t), "modules", name)
			out, err := exec.CommandContext(t.Context(), tf, "fmt", "-check", "-diff", dir).CombinedOutput()
			if err != nil {
				t.Errorf("terraform fmt -check %s: %v\n%s", dir, err, out)
			}
		})
	}
}

func TestAWSModuleMatchesResourceList(t *testing.T) {
	t.Parallel()
	var want []string
	for _, r := range modules.AWSResources {
		want = append(want, r.Terraform)
	}
	slices.Sort(want)
	got := resources(t, "aws")
	if !slices.Equal(got, want) {
		t.Errorf("modules/aws declares\n  %s\nwant modules.AWSResources\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestOfflineModulesValidate runs terraform init and validate on the
// modules that need no provider, as prenv runs them: offline.
func TestOfflineModulesValidate(t *testing.T) {
	t.Parallel()
	tf := testenv.Terraform(t)
	for _, name := range []string{"local", "none"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(testenv.RepoRoot(t), "modules", name)
			data := t.TempDir()
			for _, args := range [][]string{{"init", "-backend=false", "-input=false"}, {"validate", "-no-color"}} {
				cmd := exec.CommandContext(t.Context(), tf, append([]string{"-chdir=" + dir}, args...)...)
				cmd.Env = append(cmd.Environ(), "TF_DATA_DIR="+data, "CHECKPOINT_DISABLE=1")
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("terraform %v in %s: %v\n%s", args, dir, err, out)
				}
			}
		})
	}
}
