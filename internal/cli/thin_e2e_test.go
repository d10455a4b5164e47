package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/internal/proc"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks/local"
)

// thinSandbox runs prenv with its home in dir (on XFS for thin clones, on
// ext4 for template ones), managing its own PostgreSQL, with a router on
// a free port.
type thinSandbox struct {
	*managedSandbox
}

func newThinSandbox(t *testing.T, dir string) *thinSandbox {
	t.Helper()
	testenv.PostgresBinaries(t)
	s := &thinSandbox{&managedSandbox{sandbox: newSandbox(t)}}
	s.home = filepath.Join(dir, "home")
	s.clusterDir = filepath.Join(s.home, "postgres")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.routerPort = l.Addr().(*net.TCPAddr).Port
	l.Close()
	s.extraEnv = []string{fmt.Sprintf("PRENV_ROUTER_PORT=%d", s.routerPort)}
	t.Cleanup(func() {
		for _, pid := range proc.WithArgs("--routes", filepath.Join(s.home, "routes")) {
			_ = syscall.Kill(pid, syscall.SIGTERM)
		}
		// A test that failed before its destroy leaves its services, which
		// hold files on the loop filesystem.
		for _, pid := range testenv.ProcessesWithEnv("PRENV_SERVICE=" + s.home + "/") {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		clusters, _ := filepath.Glob(filepath.Join(s.home, "thin", "*", "*"))
		for _, dir := range append(clusters, s.clusterDir) {
			if err := (&pg.Cluster{Dir: dir}).Stop(ctx); err != nil {
				t.Errorf("stop the PostgreSQL in %s: %v", dir, err)
			}
		}
	})
	return s
}

// databaseURL is env's DATABASE_URL, from its outputs.
func (s *thinSandbox) databaseURL(env string) string {
	s.t.Helper()
	stdout, stderr, code := s.run("outputs", "--env", env, "--show-secrets", "--json")
	if code != 0 {
		s.t.Fatalf("outputs of %s: exit %d: %s", env, code, stderr)
	}
	var res struct {
		Outputs struct {
			DatabaseURL string `json:"databaseUrl"`
		} `json:"outputs"`
	}
	// Never quote the output: it holds the password.
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || res.Outputs.DatabaseURL == "" {
		s.t.Fatalf("outputs --json of %s has no databaseUrl (%v)", env, err)
	}
	return res.Outputs.DatabaseURL
}

// exec runs sql in env's database as its own role.
func (s *thinSandbox) exec(env, sql string) error {
	s.t.Helper()
	conn, err := pgx.Connect(s.t.Context(), s.databaseURL(env))
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(s.t.Context(), sql)
	return err
}

// thinDatabase is env's thin clone as prenv local status reports it.
func (s *thinSandbox) thinDatabase(env string) local.PostmasterStatus {
	s.t.Helper()
	for _, e := range s.status().Environments {
		if e.Name == env && len(e.Databases) == 1 {
			return e.Databases[0]
		}
	}
	s.t.Fatalf("local status shows no thin clone of %s", env)
	return local.PostmasterStatus{}
}

// TestBinaryLocalThinClones: on XFS, up says it clones thin; local status
// shows each environment's PostgreSQL with its port, memory and own disk;
// a killed one is seen by refresh and started again by up, with its data;
// stop refuses while clones exist, --force stops them and the next up
// starts one again; destroy leaves nothing.
func TestBinaryLocalThinClones(t *testing.T) {
	t.Parallel()
	s := newThinSandbox(t, testenv.ReflinkDir(t))
	s.writeBlueprint("thin", "pulumi", true)
	s.useAutoClone()
	for _, env := range []string{"baseline", "pr-1"} {
		_, stderr, code := s.run("up", "--env", env)
		if code != 0 || !strings.Contains(stderr, "prenv: database clone: thin (") || !strings.Contains(stderr, "is on xfs, whose files share blocks") {
			t.Fatalf("up %s: exit %d, want it to say it clones thin on xfs:\n%s", env, code, stderr)
		}
	}
	if err := s.exec("pr-1", "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	db := s.thinDatabase("pr-1")
	if !db.Running || !proc.Alive(db.PID, 0) || db.Port == 0 || db.RSSBytes < 1<<20 || db.RSSBytes > 256<<20 || db.OwnedBytes <= 0 || db.OwnedBytes > 64<<20 {
		t.Errorf("pr-1's database in local status = %+v; want its running postmaster, its port, an RSS of MiBs and a few MiB of its own disk", db)
	}
	out, _, _ := s.run("local", "status")
	for _, want := range []string{"database.clone: auto picks thin (", "golden of thin, stopped",
		fmt.Sprintf("postgres on 127.0.0.1:%d, pid %d, RSS ", db.Port, db.PID), "of its own disk beyond the golden's shared blocks"} {
		if !strings.Contains(out, want) {
			t.Errorf("local status does not say %q:\n%s", want, out)
		}
	}

	// Killed: refresh sees it, up starts it again on its port.
	if err := syscall.Kill(db.PID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); proc.Alive(db.PID, 0); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the killed postmaster lives on")
		}
	}
	stdout, stderr, code := s.run("refresh", "--pr", "1", "--json")
	var refreshed struct{ Changes map[string]int }
	if code != 0 || json.Unmarshal([]byte(stdout), &refreshed) != nil || refreshed.Changes["update"] != 1 {
		t.Errorf("refresh after the postmaster died: exit %d, %s\n%s; want one update, the database", code, stderr, stdout)
	}
	if _, stderr, code := s.run("up", "--pr", "1"); code != 0 || !strings.Contains(stderr, "started the stopped PostgreSQL of pr-1's database again") {
		t.Errorf("up after the crash: exit %d, want it to say it started the database again:\n%s", code, stderr)
	}
	if again := s.thinDatabase("pr-1"); !again.Running || again.Port != db.Port {
		t.Errorf("pr-1's database after up = %+v, want running on port %d", again, db.Port)
	}
	if err := s.exec("pr-1", "INSERT INTO kept VALUES (2)"); err != nil {
		t.Errorf("pr-1's database after the restart: %v", err)
	}

	_, stderr, code = s.run("local", "stop")
	if code != 1 || !strings.Contains(stderr, "baseline, pr-1 still exist") {
		t.Errorf("stop with two thin clones: exit %d, %q; want a refusal naming both", code, stderr)
	}
	stdout, stderr, code = s.run("local", "stop", "--force")
	if code != 0 || !strings.Contains(stdout, "stopped the PostgreSQL of pr-1's database") || !strings.Contains(stdout, "stopped the PostgreSQL of baseline's database") {
		t.Errorf("stop --force: exit %d, %s\n%s; want both clones' PostgreSQL stopped", code, stderr, stdout)
	}
	if stopped := s.thinDatabase("pr-1"); stopped.Running {
		t.Errorf("pr-1's database runs after stop --force: %+v", stopped)
	}
	if _, stderr, code := s.run("up", "--pr", "1"); code != 0 {
		t.Fatalf("up after stop --force: exit %d: %s", code, stderr)
	}
	if err := s.exec("pr-1", "SELECT 1 FROM kept"); err != nil {
		t.Errorf("pr-1's database after stop --force and up: %v", err)
	}

	for _, env := range []string{"pr-1", "baseline"} {
		if _, stderr, code := s.run("destroy", "--env", env); code != 0 {
			t.Fatalf("destroy %s: exit %d: %s", env, code, stderr)
		}
	}
	if left, _ := os.ReadDir(filepath.Join(s.home, "thin")); len(left) != 0 {
		t.Errorf("destroy left %v in the thin clones' directory", left)
	}
	if proc.Alive(db.PID, 0) {
		t.Errorf("pr-1's first postmaster (pid %d) is alive", db.PID)
	}
}

// useAutoClone drops the blueprint's clone: template, leaving the default.
func (s *thinSandbox) useAutoClone() {
	s.t.Helper()
	bp := filepath.Join(s.dir, "prenv.yaml")
	data, err := os.ReadFile(bp)
	if err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(bp, []byte(strings.Replace(string(data), "  clone: template\n", "", 1)), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// TestBinaryLocalAutoIsTemplateOnExt4: where files cannot share blocks,
// up says so and clones in the shared PostgreSQL, as before thin clones.
func TestBinaryLocalAutoIsTemplateOnExt4(t *testing.T) {
	t.Parallel()
	s := newThinSandbox(t, testenv.Ext4Dir(t))
	s.writeBlueprint("plain", "pulumi", true)
	s.useAutoClone()
	_, stderr, code := s.run("up", "--env", "baseline")
	if code != 0 || !strings.Contains(stderr, "prenv: database clone: template (") || !strings.Contains(stderr, "is on ext4, whose files cannot share blocks") {
		t.Fatalf("up on ext4: exit %d, want it to say it clones by template because ext4 shares no blocks:\n%s", code, stderr)
	}
	st := s.status()
	if !st.Postgres.Running || st.Clones.Auto.Method != "template" || len(st.Clones.Goldens) != 0 {
		t.Errorf("local status on ext4 = %+v, %+v; want the shared PostgreSQL running and no golden cluster", st.Postgres, st.Clones)
	}
	if err := s.exec("baseline", "SELECT 1 FROM notes"); err != nil {
		t.Errorf("the baseline's template clone: %v", err)
	}
	if _, stderr, code := s.run("destroy", "--env", "baseline"); code != 0 {
		t.Errorf("destroy: exit %d: %s", code, stderr)
	}
}

// TestBinaryLocalThinClonesWithTerraform: engine terraform makes and
// removes thin clones through modules/local's resource commands.
func TestBinaryLocalThinClonesWithTerraform(t *testing.T) {
	t.Parallel()
	testenv.Terraform(t)
	s := newThinSandbox(t, testenv.ReflinkDir(t))
	s.writeBlueprint("thintf", "terraform", true)
	s.useAutoClone()
	for _, env := range []string{"baseline", "pr-2"} {
		if _, stderr, code := s.run("up", "--env", env); code != 0 || !strings.Contains(stderr, "database clone: thin") {
			t.Fatalf("up %s with terraform: exit %d:\n%s", env, code, stderr)
		}
	}
	if err := s.exec("pr-2", "INSERT INTO notes VALUES (2)"); err != nil {
		t.Fatal(err)
	}
	if db := s.thinDatabase("pr-2"); !db.Running {
		t.Errorf("pr-2's thin clone = %+v, want its PostgreSQL running", db)
	}
	if st := s.status(); st.Postgres.Initialised {
		t.Errorf("thin clones started the shared PostgreSQL: %+v", st.Postgres)
	}
	for _, env := range []string{"pr-2", "baseline"} {
		if _, stderr, code := s.run("destroy", "--env", env); code != 0 {
			t.Fatalf("destroy %s: exit %d: %s", env, code, stderr)
		}
	}
	if left, _ := os.ReadDir(filepath.Join(s.home, "thin")); len(left) != 0 {
		t.Errorf("destroy left %v in the thin clones' directory", left)
	}
}
