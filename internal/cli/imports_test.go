package cli

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const githubPackage = "github.com/prenv/prenv/internal/github"

// TestCLIDoesNotImportGitHub: internal/cli is cobra glue, and reaches
// GitHub only through the libraries.
func TestCLIDoesNotImportGitHub(t *testing.T) {
	t.Parallel()
	got, err := importers(".", githubPackage)
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range got {
		t.Errorf("%s imports %s: internal/cli must reach GitHub through a library (actions, or the reaper through internal/session)", file, githubPackage)
	}
}

// TestImportersSeesAnImport keeps the check above honest: it must find an
// import in a package's file, and ignore the package's tests.
func TestImportersSeesAnImport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, src := range map[string]string{
		"uses.go":      "package p\n\nimport (\n\t\"fmt\"\n\tgh \"" + githubPackage + "\"\n)\n",
		"clean.go":     "package p\n\nimport \"fmt\"\n",
		"uses_test.go": "package p\n\nimport \"" + githubPackage + "\"\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := importers(dir, githubPackage)
	if err != nil || !slices.Equal(got, []string{"uses.go"}) {
		t.Errorf("importers = %v, %v; want [uses.go]", got, err)
	}
}

// importers returns the package files in dir (tests aside) that import
// path, sorted.
func importers(dir, path string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var found []string
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
		if err != nil {
			return nil, err
		}
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == path {
				found = append(found, filepath.Base(file))
			}
		}
	}
	slices.Sort(found)
	return found, nil
}
