package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/internal/proc"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks/local"
)

// managedSandbox runs prenv with no PRENV_POSTGRES_URL, so it manages its
// own cluster in clusterDir (not created yet), and a router on a free port.
type managedSandbox struct {
	*sandbox
	clusterDir string
	routerPort int
}

func newManagedSandbox(t *testing.T) *managedSandbox {
	t.Helper()
	testenv.PostgresBinaries(t)
	// Not t.TempDir: its parent is private to root, and the server runs
	// as the postgres user when tests run as root.
	parent, err := os.MkdirTemp("", "prenv-managed-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(parent, 0o755); err != nil {
		t.Fatal(err)
	}
	s := &managedSandbox{sandbox: newSandbox(t), clusterDir: filepath.Join(parent, "postgres")}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.routerPort = l.Addr().(*net.TCPAddr).Port
	l.Close()
	s.extraEnv = []string{"PRENV_POSTGRES_DIR=" + s.clusterDir, fmt.Sprintf("PRENV_ROUTER_PORT=%d", s.routerPort)}
	t.Cleanup(func() {
		for _, pid := range proc.WithArgs("--routes", filepath.Join(s.home, "routes")) {
			_ = syscall.Kill(pid, syscall.SIGTERM)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := os.Stat(s.clusterDir); err == nil {
			if err := (&pg.Cluster{Dir: s.clusterDir}).Stop(ctx); err != nil {
				t.Errorf("stop the managed cluster: %v", err)
			}
		}
		os.RemoveAll(parent)
	})
	return s
}

// writeBlueprint writes a local blueprint whose one service is prenv's own
// router binary (a real process with a health path and nothing to build),
// with a database cloned from a one-table golden when withDatabase.
func (s *managedSandbox) writeBlueprint(project, engine string, withDatabase bool) {
	s.t.Helper()
	bp := fmt.Sprintf("project: %s\nengine: %s\ntarget: local\nservices:\n  - name: web\n    entry: true\n    run: exec %q router --addr 127.0.0.1:$PORT --routes %q\n    health: /_prenv/ping\n",
		project, engine, testenv.Prenv(s.t), s.t.TempDir())
	if withDatabase {
		// The shared cluster is what these tests are about, whatever the
		// filesystem; thin_e2e_test.go tests thin clones.
		bp += "database:\n  golden: golden.sql\n  clone: template\n"
	}
	for name, body := range map[string]string{"prenv.yaml": bp, "golden.sql": "CREATE TABLE notes (id int);\n"} {
		if err := os.WriteFile(filepath.Join(s.dir, name), []byte(body), 0o644); err != nil {
			s.t.Fatal(err)
		}
	}
}

func (s *managedSandbox) status() local.Status {
	s.t.Helper()
	stdout, stderr, code := s.run("local", "status", "--json")
	if code != 0 {
		s.t.Fatalf("local status: exit %d: %s", code, stderr)
	}
	var st local.Status
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		s.t.Fatalf("local status --json printed %q: %v", stdout, err)
	}
	return st
}

// get fetches env's entry through the router and returns the status code.
func (s *managedSandbox) get(env string) int {
	s.t.Helper()
	req, _ := http.NewRequestWithContext(s.t.Context(), http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d/_prenv/ping", s.routerPort), nil)
	req.Host = env + ".localhost"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestBinaryLocalStatusAndStop: status shows what runs; stop refuses while
// an environment exists and names it, --force stops the router and the
// managed cluster under it, the next up brings both back, and once the
// environment is destroyed a plain stop leaves nothing running.
func TestBinaryLocalStatusAndStop(t *testing.T) {
	t.Parallel()
	s := newManagedSandbox(t)
	s.writeBlueprint("stat", "pulumi", true)
	routes := filepath.Join(s.home, "routes")
	if st := s.status(); st.Router.Running || st.Postgres.Initialised || st.Postgres.Running || len(st.Environments) != 0 {
		t.Errorf("status before any up = %+v, want nothing", st)
	}
	if _, stderr, code := s.run("up", "--env", "baseline"); code != 0 {
		t.Fatalf("up: exit %d: %s", code, stderr)
	}
	st := s.status()
	if !st.Router.Running || !proc.Alive(st.Router.PID, 0) || st.Router.Routes != routes || st.Router.Addr != fmt.Sprintf("127.0.0.1:%d", s.routerPort) {
		t.Errorf("router status after up = %+v, want it running with its pid, on %d, serving %s", st.Router, s.routerPort, routes)
	}
	if p := st.Postgres; !p.Running || !proc.Alive(p.PID, 0) || p.Port == 0 || p.SizeBytes == 0 || p.Dir != s.clusterDir || p.External {
		t.Errorf("postgres status after up = %+v, want the managed cluster in %s running", p, s.clusterDir)
	}
	if len(st.Environments) != 1 || st.Environments[0].Name != "baseline" || !st.Environments[0].Route ||
		len(st.Environments[0].Services) != 1 || st.Environments[0].Services[0].Name != "web" || !proc.Alive(st.Environments[0].Services[0].PID, 0) {
		t.Fatalf("environments = %+v, want baseline routed with its live web", st.Environments)
	}
	web := st.Environments[0].Services[0].PID
	if out, _, _ := s.run("local", "status"); !strings.Contains(out, fmt.Sprintf("router       running on 127.0.0.1:%d, pid %d", s.routerPort, st.Router.PID)) ||
		!strings.Contains(out, fmt.Sprintf("web (pid %d)", web)) {
		t.Errorf("local status printed:\n%s", out)
	}

	_, stderr, code := s.run("local", "stop")
	if code != 1 || !strings.Contains(stderr, "environment baseline still exists on this machine") || !strings.Contains(stderr, "--force") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("stop with baseline up: exit %d, %q; want 1 and one line naming baseline and --force", code, stderr)
	}
	if again := s.status(); !again.Router.Running || !again.Postgres.Running {
		t.Fatalf("a refused stop stopped something: %+v", again)
	}

	stdout, stderr, code := s.run("local", "stop", "--force")
	if code != 0 || !strings.Contains(stdout, fmt.Sprintf("stopped the router (pid %d)", st.Router.PID)) || !strings.Contains(stdout, "left baseline as they are") {
		t.Errorf("stop --force: exit %d, %s\n%s", code, stderr, stdout)
	}
	if stopped := s.status(); stopped.Router.Running || proc.Alive(st.Router.PID, 0) || stopped.Postgres.Running || proc.Alive(st.Postgres.PID, 0) {
		t.Errorf("after stop --force: %+v; want the router (pid %d) and PostgreSQL (pid %d) gone", stopped, st.Router.PID, st.Postgres.PID)
	}
	if !proc.Alive(web, 0) {
		t.Errorf("stop --force stopped baseline's web (pid %d); it leaves environments as they are", web)
	}

	if _, stderr, code := s.run("up", "--env", "baseline"); code != 0 {
		t.Fatalf("up after stop --force: exit %d: %s", code, stderr)
	}
	if back := s.status(); !back.Router.Running || !back.Postgres.Running || back.Postgres.Port != st.Postgres.Port {
		t.Errorf("after the next up: %+v; want the router and PostgreSQL back, on port %d", back, st.Postgres.Port)
	}
	if code := s.get("baseline"); code != http.StatusOK {
		t.Errorf("GET baseline through the router after the next up: %d, want 200", code)
	}

	if _, stderr, code := s.run("destroy", "--env", "baseline"); code != 0 {
		t.Fatalf("destroy: exit %d: %s", code, stderr)
	}
	back := s.status()
	if stdout, stderr, code := s.run("local", "stop"); code != 0 || !strings.Contains(stdout, "stopped PostgreSQL in "+s.clusterDir) {
		t.Errorf("stop with no environment: exit %d, %s\n%s", code, stderr, stdout)
	}
	if left := proc.WithArgs("--routes", routes); len(left) != 0 {
		t.Errorf("router processes left after stop: %v", left)
	}
	if final := s.status(); final.Router.Running || final.Postgres.Running || proc.Alive(back.Postgres.PID, 0) || len(final.Environments) != 0 {
		t.Errorf("status after destroy and stop = %+v, want nothing running", final)
	}
}
