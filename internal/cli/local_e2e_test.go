package cli_test

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prenv/prenv/internal/proc"
	"github.com/prenv/prenv/internal/testenv"
)

// localSandbox runs bin/prenv on the example app's blueprint against a
// test PostgreSQL and a router on a free port.
type localSandbox struct {
	*sandbox
	adminURL   string
	blueprint  string
	routerPort int
}

func newLocalSandbox(t *testing.T) *localSandbox {
	t.Helper()
	s := &localSandbox{sandbox: newSandbox(t), adminURL: testenv.Postgres(t)}
	s.blueprint = filepath.Join(testenv.RepoRoot(t), "examples", "app", "prenv.yaml")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.routerPort = l.Addr().(*net.TCPAddr).Port
	l.Close()
	s.extraEnv = []string{"PRENV_POSTGRES_URL=" + s.adminURL, fmt.Sprintf("PRENV_ROUTER_PORT=%d", s.routerPort)}
	t.Cleanup(func() {
		// The router prenv started for this home outlives prenv by design.
		for _, pid := range proc.WithArgs("--routes", filepath.Join(s.home, "routes")) {
			_ = syscall.Kill(pid, syscall.SIGTERM)
		}
	})
	return s
}

// serviceProcesses lists processes whose DATABASE_URL points at db in
// this sandbox's cluster.
func (s *localSandbox) serviceProcesses(db string) []int {
	return testenv.ProcessesWithEnv(testenv.DatabaseNeedle(s.adminURL, db))
}

// serviceShells lists the /bin/sh -c processes that lead services' groups.
func (s *localSandbox) serviceShells(db string) []int {
	var shells []int
	for _, pid := range s.serviceProcesses(db) {
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if bytes.HasPrefix(cmdline, []byte("/bin/sh\x00-c\x00")) {
			shells = append(shells, pid)
		}
	}
	return shells
}

func TestBinaryLocalKill9ThenDestroyLeavesNothing(t *testing.T) {
	t.Parallel()
	s := newLocalSandbox(t)
	cmd := s.command("up", "--env", "baseline", "--blueprint", s.blueprint)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill prenv, pulumi and the provider once a service's shell, the
	// leader of its process group, has started (compilers that go run
	// starts come and go, and are no service).
	deadline := time.Now().Add(90 * time.Second)
	for len(s.serviceShells("prenv_shop_baseline")) == 0 {
		if time.Now().After(deadline) {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			t.Fatalf("no service started within 90s:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	_ = cmd.Wait()
	orphans := s.serviceShells("prenv_shop_baseline")
	if len(orphans) == 0 {
		// Sometimes the service's shell dies with the run; the checks of
		// recovery and of a clean destroy below still hold.
		t.Log("no service process outlived the kill -9")
	}

	if _, stderr, code := s.run("up", "--env", "baseline", "--blueprint", s.blueprint); code != 0 {
		t.Fatalf("up after kill -9: exit %d: %s", code, stderr)
	} else if !strings.Contains(stderr, "recovered: broke stale lock") || !strings.Contains(stderr, "pending operation") {
		t.Errorf("up after kill -9 did not report its recovery: %s", stderr)
	}
	for _, pid := range orphans {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err == nil && !bytes.Contains(stat, []byte(") Z ")) {
			t.Errorf("process %d that the killed run started still runs after the next up", pid)
		}
	}
	if _, stderr, code := s.run("destroy", "--env", "baseline", "--blueprint", s.blueprint); code != 0 {
		t.Fatalf("destroy: exit %d: %s", code, stderr)
	}
	time.Sleep(200 * time.Millisecond)
	if left := s.serviceProcesses("prenv_shop_baseline"); len(left) != 0 {
		t.Errorf("processes left after kill -9, up and destroy: %v", left)
	}
	entries, _ := os.ReadDir(filepath.Join(s.home, "routes"))
	if len(entries) != 0 {
		t.Errorf("route files left: %v", entries)
	}
}

func TestBinaryLocalRouterPortTaken(t *testing.T) {
	t.Parallel()
	s := newLocalSandbox(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() { // something that is not prenv's router
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"))
			c.Close()
		}
	}()
	s.extraEnv = append(s.extraEnv, fmt.Sprintf("PRENV_ROUTER_PORT=%d", l.Addr().(*net.TCPAddr).Port))
	_, stderr, code := s.run("up", "--env", "baseline", "--blueprint", s.blueprint)
	if code != 1 || !strings.Contains(stderr, "is taken by a program that is not prenv's router") {
		t.Errorf("up with the router port taken: exit %d, %q", code, stderr)
	}
}
