package cli_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

// TestBinaryLocalStatelessEngines brings a blueprint without a database
// up and down with each engine, with no PRENV_POSTGRES_URL and no managed
// cluster yet: the services run and answer through the router, without
// DATABASE_URL; no PostgreSQL is started (its directory is never made)
// and the environment reports no database.
func TestBinaryLocalStatelessEngines(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"pulumi", "terraform"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			s := newManagedSandbox(t)
			s.extraEnv = append(s.extraEnv, "PRENV_TERRAFORM="+testenv.Terraform(t))
			s.writeBlueprint("nodb", engine, false)
			s.upJSON("--env", "baseline")
			got := s.upJSON("--pr", "1")
			outs, _ := got["outputs"].(map[string]any)
			for _, key := range []string{"database", "databaseUrl"} {
				if v, ok := outs[key]; ok {
					t.Errorf("output %s = %v, want none for an application without a database", key, v)
				}
			}
			if outs["url"] == nil || outs["url:web"] == nil {
				t.Errorf("outputs %v, want url and url:web", outs)
			}
			for _, env := range []string{"baseline", "pr-1"} {
				if code := s.get(env); code != http.StatusOK {
					t.Errorf("GET %s's web through the router: %d, want 200", env, code)
				}
				pids := testenv.ProcessesWithEnv("PRENV_SERVICE=" + filepath.Join(s.home, "envs", env, "logs", "web"))
				if len(pids) == 0 {
					t.Fatalf("%s's web runs no process", env)
				}
				for _, pid := range pids {
					environ, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
					if err == nil && strings.Contains("\x00"+string(environ), "\x00DATABASE_URL=") {
						t.Errorf("%s's web (pid %d) has a DATABASE_URL", env, pid)
					}
				}
			}
			if _, err := os.Stat(s.clusterDir); !os.IsNotExist(err) {
				t.Errorf("the managed cluster's directory %s exists (%v): a stateless up started PostgreSQL", s.clusterDir, err)
			}
			for _, env := range []string{"--pr=1", "--env=baseline"} {
				if _, stderr, code := s.run("destroy", env); code != 0 {
					t.Fatalf("destroy %s: exit %d: %s", env, code, stderr)
				}
			}
			if left := testenv.ProcessesWithEnv("PRENV_SERVICE=" + filepath.Join(s.home, "envs")); len(left) != 0 {
				t.Errorf("service processes left after destroy: %v", left)
			}
			if _, err := os.Stat(s.clusterDir); !os.IsNotExist(err) {
				t.Errorf("the managed cluster's directory %s exists after destroy (%v)", s.clusterDir, err)
			}
		})
	}
}
