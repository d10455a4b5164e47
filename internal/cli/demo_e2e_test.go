package cli_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/internal/proc"
	"github.com/prenv/prenv/internal/testenv"
)

// TestBinaryDemoLeavesNothingRunning runs examples/app/demo.sh as make
// demo does, with a small DEMO_ROWS, in a prenv home of its own, and
// checks that it leaves no router, no managed cluster and no service of
// that home running.
func TestBinaryDemoLeavesNothingRunning(t *testing.T) {
	t.Parallel()
	s := newManagedSandbox(t)
	cmd := s.command()
	cmd.Path, cmd.Args = filepath.Join(testenv.RepoRoot(t), "examples", "app", "demo.sh"), []string{"demo.sh"}
	cmd.Env = append(cmd.Env, "PRENV_BINARY="+testenv.Prenv(t), "DEMO_ROWS=20", "KEEP=0")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("demo.sh: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "web v2: the change in pull request 1") || !strings.Contains(out.String(), "stopping the router and PostgreSQL") {
		t.Errorf("demo.sh did not show pr-1's change or say what it stops:\n%s", out.String())
	}
	for _, want := range []string{"payments ok (stub)", "Closest stub: payments status (status.json)", "unmatched:payments: 1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo.sh did not show the payments stub (%q):\n%s", want, out.String())
		}
	}
	if left := proc.WithArgs("--routes", filepath.Join(s.home, "routes")); len(left) != 0 {
		t.Errorf("routers of the demo's home left running: %v", left)
	}
	if st, err := (&pg.Cluster{Dir: s.clusterDir}).Status(); err != nil || !st.Initialised || st.Running {
		t.Errorf("the demo's managed cluster: %+v, %v; want it made, then stopped", st, err)
	}
	if left := testenv.ProcessesWithEnv("PRENV_SERVICE=" + filepath.Join(s.home, "envs")); len(left) != 0 {
		t.Errorf("service processes of the demo left running: %v", left)
	}
}
