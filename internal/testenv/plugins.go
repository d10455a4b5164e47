package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// KubernetesProvider returns the pulumi-resource-kubernetes that `make
// tools` builds from source (in ./bin, or PRENV_TOOLS_BIN), at the version
// stacks/aws pins. It fails the test if there is none.
func KubernetesProvider(t testing.TB) string {
	t.Helper()
	RequireTool(t, "pulumi-resource-kubernetes", "make tools")
	path := filepath.Join(toolDir(t), "pulumi-resource-kubernetes")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("pulumi-resource-kubernetes not found at %s: run `make tools` (or set PRENV_TOOLS_BIN to the directory that holds it)", path)
	}
	return path
}

// standIns is the test binary's one build of internal/testenv/standins.
var standIns struct {
	once sync.Once
	dir  string
	err  error
}

// StandInPlugins builds, once per test binary, the stand-ins for the aws
// and random plugins (internal/testenv/standins) and returns their paths
// by plugin name, each binary named pulumi-resource-<name> as the stand-in
// needs.
func StandInPlugins(t testing.TB) map[string]string {
	t.Helper()
	root := RepoRoot(t)
	standIns.once.Do(func() {
		dir, err := binaryDir("prenv-standins")
		if err != nil {
			standIns.err = err
			return
		}
		aws := filepath.Join(dir, "pulumi-resource-aws")
		cmd := exec.Command("go", "build", "-o", aws, "./internal/testenv/standins")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			standIns.err = fmt.Errorf("%v\n%s", err, out)
			return
		}
		random := filepath.Join(dir, "pulumi-resource-random")
		_ = os.Remove(random)
		standIns.err = os.Link(aws, random)
		standIns.dir = dir
	})
	if standIns.err != nil {
		t.Fatalf("build internal/testenv/standins: %v", standIns.err)
	}
	return map[string]string{
		"aws":    filepath.Join(standIns.dir, "pulumi-resource-aws"),
		"random": filepath.Join(standIns.dir, "pulumi-resource-random"),
	}
}
