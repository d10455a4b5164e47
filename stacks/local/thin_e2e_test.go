package local_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sys/unix"

	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/internal/proc"
	"github.com/prenv/prenv/internal/reflink"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/local"
)

// thinDir is where env's thin clone lives in w.
func (w *world) thinDir(env string) string {
	return filepath.Join(w.target.ThinDir, w.bp.Project, env)
}

// envConn connects to env's database as env's own role, through the
// databaseUrl output its services get.
func (w *world) envConn(env string) *pgx.Conn {
	w.t.Helper()
	outs, err := w.engine.Outputs(w.t.Context(), w.env(env))
	if err != nil {
		w.t.Fatal(err)
	}
	conn, err := pgx.Connect(w.t.Context(), outs["databaseUrl"].Value.(string))
	if err != nil {
		w.t.Fatalf("connect to %s's database: %v", env, err)
	}
	w.t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func (w *world) scalar(conn *pgx.Conn, sql string) string {
	w.t.Helper()
	var v string
	if err := conn.QueryRow(w.t.Context(), sql).Scan(&v); err != nil {
		w.t.Fatalf("%s: %v", sql, err)
	}
	return v
}

func clusterStatus(t *testing.T, dir string) pg.ClusterStatus {
	t.Helper()
	st, err := (&pg.Cluster{Dir: dir}).Status()
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestLocalThinLifecycle: on a copy-on-write filesystem the golden is a
// stopped cluster of its own, and each environment's database a copy of
// it run by a small PostgreSQL of its own, which its services use and
// destroy removes.
func TestLocalThinLifecycle(t *testing.T) {
	t.Parallel()
	w := newWorldOn(t, stacks.CloneThin)
	w.upForTheTest("baseline")
	golden := clusterStatus(t, filepath.Join(w.target.ThinDir, "shop", "golden"))
	if !golden.Initialised || golden.Running {
		t.Errorf("golden cluster: %+v, want built and stopped", golden)
	}
	w.up("pr-1")
	pr1 := clusterStatus(t, w.thinDir("pr-1"))
	base := clusterStatus(t, w.thinDir("baseline"))
	if !pr1.Running || !base.Running || pr1.Port == base.Port {
		t.Fatalf("pr-1's PostgreSQL %+v and the baseline's %+v: want both running, on ports of their own", pr1, base)
	}
	needle := testenv.DatabaseNeedle(w.serverURL("prenv_shop_pr_1"), "prenv_shop_pr_1")

	code, body := w.get("pr-1.localhost", "/")
	if code != 200 || !strings.Contains(body, "users v1 (pr-1): 50 users") || !strings.Contains(body, "orders v1 (pr-1): 120 orders") {
		t.Errorf("GET pr-1.localhost: %d %q", code, body)
	}
	conn := w.envConn("pr-1")
	for sql, want := range map[string]string{
		"SELECT current_database()": "prenv_shop_pr_1",
		"SELECT current_user":       "prenv_shop_pr_1",
		"SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()": "prenv_shop_pr_1",
		"SELECT tableowner FROM pg_tables WHERE tablename = 'users'":                         "prenv_shop_pr_1",
		"SHOW max_connections": "40",
		"SHOW shared_buffers":  "16MB",
	} {
		if got := w.scalar(conn, sql); got != want {
			t.Errorf("pr-1: %s = %q, want %q", sql, got, want)
		}
	}
	if again := w.up("pr-1"); again.Changed() {
		t.Errorf("second up of pr-1 changed %v", again.Changes)
	}

	// Raising the sizes restarts pr-1's PostgreSQL with them, keeping its
	// port and its data.
	if _, err := conn.Exec(t.Context(), "INSERT INTO users (name, email) VALUES ('Kept Across', 'kept@example.com')"); err != nil {
		t.Fatal(err)
	}
	w.target.Thin = stacks.Thin{SharedBuffers: "32MB", MaxConnections: 60}
	if res := w.up("pr-1"); res.Changes["update"] != 1 || res.Changes["replace"] != 0 || res.Changes["create"] != 0 {
		t.Errorf("up with larger sizes = %v, want pr-1's database updated in place", res.Changes)
	}
	conn = w.envConn("pr-1")
	if got := w.scalar(conn, "SHOW shared_buffers") + " " + w.scalar(conn, "SHOW max_connections") + " " +
		w.scalar(conn, "SELECT count(*) FROM users WHERE email = 'kept@example.com'"); got != "32MB 60 1" {
		t.Errorf("after the restart: shared_buffers, max_connections and the row written before = %q, want 32MB 60 1", got)
	}

	w.destroy("pr-1")
	if _, err := os.Stat(w.thinDir("pr-1")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("pr-1's clone left after destroy: %v", err)
	}
	if proc.Alive(pr1.PID, 0) {
		t.Errorf("pr-1's postmaster (pid %d) still runs after destroy", pr1.PID)
	}
	if left := testenv.ProcessesWithEnv(needle); len(left) != 0 {
		t.Errorf("pr-1's services still run after destroy: %v", left)
	}
	w.destroy("baseline")
	if _, err := os.Stat(filepath.Join(w.target.ThinDir, "shop")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the golden or the baseline's clone left after destroying the baseline: %v", err)
	}
}

// TestLocalThinClonesShareTheGoldensBlocks: two environments cost the
// filesystem what they write, not copies of the golden.
func TestLocalThinClonesShareTheGoldensBlocks(t *testing.T) {
	t.Parallel()
	w := newWorldOn(t, stacks.CloneThin)
	// A filesystem of its own, so that df sees no other test's writes.
	w.target.ThinDir = filepath.Join(testenv.OwnReflinkDir(t), "thin")
	w.bp.Services = nil // the data alone
	golden := filepath.Join(t.TempDir(), "golden.sql")
	source, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "examples", "app", "db", "golden.sql"))
	if err != nil {
		t.Fatal(err)
	}
	// About 50 MB of rows, so that a copy would show.
	padding := "\nCREATE TABLE ledger AS SELECT g AS id, md5(g::text) || md5((g + 1)::text) AS entry FROM generate_series(1, 500000) g;\n"
	if err := os.WriteFile(golden, append(source, padding...), 0o644); err != nil {
		t.Fatal(err)
	}
	w.target.Golden = golden
	w.upForTheTest("baseline")
	goldenSize := clusterStatus(t, filepath.Join(w.target.ThinDir, "shop", "golden")).SizeBytes
	if goldenSize < 60<<20 {
		t.Fatalf("the golden cluster holds %d bytes, want over 60 MiB for copies to show", goldenSize)
	}

	before := diskUsed(t, w.target.ThinDir)
	const written = 2 << 20 // each environment writes about 2 MiB of rows
	for _, env := range []string{"pr-1", "pr-2"} {
		w.up(env)
		t.Cleanup(func() { w.destroy(env) })
		if _, err := w.envConn(env).Exec(t.Context(), "INSERT INTO ledger SELECT id + 1000000, entry FROM ledger WHERE id <= 20000"); err != nil {
			t.Fatal(err)
		}
	}
	grew := diskUsed(t, w.target.ThinDir) - before
	t.Logf("two environments took %d KiB of the filesystem with a %d MiB golden", grew>>10, goldenSize>>20)
	// Their rows, the WAL that records them, the renamed database and the
	// new role: a few MiB each, against the golden's size for a copy.
	if limit := int64(2*written + 2*16<<20); grew > limit || grew > goldenSize/2 {
		t.Errorf("two environments took %d MiB of the filesystem with a %d MiB golden; want their writes only, under %d MiB",
			grew>>20, goldenSize>>20, limit>>20)
	}
	for _, env := range []string{"pr-1", "pr-2"} {
		owned, err := reflink.OwnedBytes(filepath.Join(w.thinDir(env), "data"))
		if err != nil || owned > 24<<20 {
			t.Errorf("%s owns %d bytes beyond the golden's blocks (%v), want its writes only", env, owned, err)
		}
	}
}

// diskUsed is the used space of dir's filesystem, as df reports it, once
// what is written is on disk.
func diskUsed(t *testing.T, dir string) int64 {
	t.Helper()
	unix.Sync()
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Blocks-st.Bfree) * st.Bsize
}

// TestLocalThinGoldenRebuildWithLiveEnvironments: prenv golden swaps in a
// new golden cluster while environments run; they keep their own data,
// and environments made afterwards start from the new golden.
func TestLocalThinGoldenRebuildWithLiveEnvironments(t *testing.T) {
	t.Parallel()
	w := newWorldOn(t, stacks.CloneThin)
	w.bp.Services = nil
	w.upForTheTest("baseline", "pr-1")
	if _, err := w.envConn("pr-1").Exec(t.Context(), "INSERT INTO users (name, email) VALUES ('Written By PR 1', 'pr1@example.com')"); err != nil {
		t.Fatal(err)
	}

	// The example's names come from the lists the name transformer draws
	// its fakes from, which verification would count as survivors.
	next := filepath.Join(t.TempDir(), "golden.sql")
	if err := os.WriteFile(next, []byte(peopleGolden(60)), 0o644); err != nil {
		t.Fatal(err)
	}
	w.target.Golden = next
	rep, err := w.target.RefreshGolden(t.Context(), w.bp)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Columns) == 0 {
		t.Error("the rebuild verified no column")
	}
	if left, _ := filepath.Glob(filepath.Join(w.target.ThinDir, "shop", "golden.*")); len(left) != 0 {
		t.Errorf("the rebuild left %v beside the golden", left)
	}
	if st := clusterStatus(t, filepath.Join(w.target.ThinDir, "shop", "golden")); st.Running {
		t.Error("the new golden cluster was left running")
	}

	if got := w.scalar(w.envConn("pr-1"), "SELECT count(*) FROM users"); got != "51" {
		t.Errorf("pr-1 has %s users after the rebuild, want its own 51 (50 and its write)", got)
	}
	w.upForTheTest("pr-2")
	if got := w.scalar(w.envConn("pr-2"), "SELECT count(*) FROM users"); got != "60" {
		t.Errorf("pr-2, made after the rebuild, has %s users, want the new golden's 60", got)
	}
	if n := w.countEverywhere("prenv_shop_pr_2", "Corp Person"); n != 0 {
		t.Errorf("%d of pr-2's rows hold the new golden's raw names", n)
	}
}

// peopleGolden is a golden at the example's migration 2 with n users whose
// names, emails, phones and addresses no transformer makes.
func peopleGolden(n int) string {
	return fmt.Sprintf(`CREATE TABLE users (id bigserial PRIMARY KEY, name text NOT NULL, email text NOT NULL UNIQUE, phone text, address text,
  created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), total numeric(10, 2) NOT NULL,
  placed_at timestamptz NOT NULL DEFAULT now());
INSERT INTO users (name, email, phone, address)
  SELECT 'Corp Person ' || i, 'person' || i || '@corp.example', '+44 20 7946 ' || lpad(i::text, 4, '0'), i || ' Corp Street'
  FROM generate_series(1, %d) i;
CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
INSERT INTO schema_migrations VALUES (2, false);
`, n)
}

// TestLocalThinPostmasterKilled: refresh sees a thin clone's dead
// PostgreSQL, and the next up starts it again on its port with its data.
func TestLocalThinPostmasterKilled(t *testing.T) {
	t.Parallel()
	w := newWorldOn(t, stacks.CloneThin)
	w.bp.Services = nil
	w.upForTheTest("baseline", "pr-1")
	if _, err := w.envConn("pr-1").Exec(t.Context(), "CREATE TABLE before_the_crash (id int); INSERT INTO before_the_crash VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	st := clusterStatus(t, w.thinDir("pr-1"))
	if err := syscall.Kill(st.PID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); clusterStatus(t, w.thinDir("pr-1")).Running; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the killed postmaster still runs")
		}
	}

	res, err := w.engine.Refresh(t.Context(), w.env("pr-1"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Changes["update"] != 1 {
		t.Errorf("refresh after the postmaster died = %v, want the database seen changed", res.Changes)
	}
	// What up's preparation does before the engine runs.
	pid, err := w.target.StartDatabase(t.Context(), w.bp, w.env("pr-1"))
	if err != nil || pid == 0 {
		t.Fatalf("StartDatabase = %d, %v; want the postmaster started again", pid, err)
	}
	if again := clusterStatus(t, w.thinDir("pr-1")); !again.Running || again.Port != st.Port {
		t.Errorf("after the restart: %+v, want running on port %d, where its URL points", again, st.Port)
	}
	if res := w.up("pr-1"); res.Changes["create"] != 0 || res.Changes["replace"] != 0 {
		t.Errorf("up after the restart = %v, want no new database", res.Changes)
	}
	if got := w.scalar(w.envConn("pr-1"), "SELECT count(*) FROM before_the_crash"); got != "1" {
		t.Errorf("the row written before the crash: %s, want 1", got)
	}
	if pid, err := w.target.StartDatabase(t.Context(), w.bp, w.env("pr-1")); err != nil || pid != 0 {
		t.Errorf("StartDatabase of a running clone = %d, %v; want nothing to do", pid, err)
	}
}

// TestChooseClone: auto picks thin where files share blocks and prenv
// runs PostgreSQL itself, and template otherwise; thin where it cannot
// work is an input error naming why.
func TestChooseClone(t *testing.T) {
	t.Parallel()
	xfs, ext4 := testenv.ReflinkDir(t), testenv.Ext4Dir(t)
	tests := []struct {
		name    string
		machine local.Machine
		want    stacks.Clone
		method  stacks.Clone
		reason  string
	}{
		{"auto on xfs", local.Machine{ThinDir: filepath.Join(xfs, "thin")}, stacks.CloneAuto, stacks.CloneThin, "whose files share blocks"},
		{"auto on ext4", local.Machine{ThinDir: filepath.Join(ext4, "thin")}, stacks.CloneAuto, stacks.CloneTemplate, "is on ext4, whose files cannot share blocks"},
		{"auto with a server of the user's", local.Machine{ThinDir: filepath.Join(xfs, "thin"), PostgresURL: "postgres://x@127.0.0.1/postgres"},
			stacks.CloneAuto, stacks.CloneTemplate, "PRENV_POSTGRES_URL"},
		{"template on xfs", local.Machine{ThinDir: filepath.Join(xfs, "thin")}, stacks.CloneTemplate, stacks.CloneTemplate, "database.clone is template"},
		{"thin on xfs", local.Machine{ThinDir: filepath.Join(xfs, "thin")}, stacks.CloneThin, stacks.CloneThin, "database.clone is thin"},
	}
	for _, tt := range tests {
		got, err := tt.machine.ChooseClone(tt.want)
		if err != nil || got.Method != tt.method || !strings.Contains(got.Reason, tt.reason) {
			t.Errorf("%s: ChooseClone = %+v, %v; want %s because %q", tt.name, got, err, tt.method, tt.reason)
		}
	}
	_, err := local.Machine{ThinDir: filepath.Join(ext4, "thin")}.ChooseClone(stacks.CloneThin)
	var input *stacks.InputError
	if !errors.As(err, &input) || !strings.Contains(err.Error(), "cannot share blocks") {
		t.Errorf("thin on ext4: %v, want an input error saying the files cannot share blocks", err)
	}
}

// TestLocalThinOrphansAreSwept: a thin clone whose stack is gone is an
// orphan; the sweep stops its PostgreSQL and removes its copy, and leaves
// the live environments' alone.
func TestLocalThinOrphansAreSwept(t *testing.T) {
	t.Parallel()
	w := newWorldOn(t, stacks.CloneThin)
	w.bp.Services = nil
	w.upForTheTest("baseline", "pr-5")
	st := clusterStatus(t, w.thinDir("pr-5"))

	// As if pr-5's stack had been removed by hand: only the baseline lives.
	orphans, err := w.target.Orphans(t.Context(), w.bp.Project, []string{"baseline"})
	if err != nil {
		t.Fatal(err)
	}
	var clones []local.Orphan
	for _, o := range orphans {
		if o.Kind == "clone" {
			clones = append(clones, o)
		}
	}
	if len(clones) != 1 || clones[0].Name != w.thinDir("pr-5") || clones[0].Env != "pr-5" {
		t.Fatalf("orphans = %+v, want pr-5's thin clone among them, and only it", orphans)
	}
	if errs := w.target.Sweep(t.Context(), orphans); len(errs) != 0 {
		t.Fatal(errs)
	}
	if _, err := os.Stat(w.thinDir("pr-5")); !errors.Is(err, os.ErrNotExist) || proc.Alive(st.PID, 0) {
		t.Errorf("after the sweep pr-5's clone is still there (%v) or its postmaster (pid %d) alive", err, st.PID)
	}
	if base := clusterStatus(t, w.thinDir("baseline")); !base.Running {
		t.Error("the sweep stopped the baseline's PostgreSQL")
	}
}
