package pg_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/internal/testenv"
)

func TestCloneAndDrop(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url, admin := newAdmin(t)

	const golden, clone, role, objects = "prenv_shop_golden", "prenv_shop_pr_1", "prenv_shop_pr_1", "prenv_shop_objects"
	if err := admin.CreateDatabase(ctx, golden, pg.AdminUser); err != nil {
		t.Fatal(err)
	}
	if err := admin.EnsureGroup(ctx, objects); err != nil {
		t.Fatal(err)
	}
	exec(t, url, golden, "ALTER SCHEMA public OWNER TO prenv_shop_objects; SET ROLE prenv_shop_objects; CREATE TABLE users (id serial PRIMARY KEY, email text UNIQUE); INSERT INTO users (email) VALUES ('a@example.com')")
	if err := admin.MakeTemplate(ctx, golden); err != nil {
		t.Fatal(err)
	}
	if err := admin.EnsureRole(ctx, role, "s3cret'quote"); err != nil {
		t.Fatal(err)
	}
	if err := admin.Clone(ctx, golden, clone, role, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := admin.Adopt(ctx, clone, objects, role); err != nil {
		t.Fatal(err)
	}
	cloneURL, err := pg.DatabaseURL(url, clone, role, "s3cret'quote")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, cloneURL)
	if err != nil {
		t.Fatalf("connect as the environment's role: %v", err)
	}
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil || n != 1 {
		t.Errorf("clone has %d users (%v), want 1", n, err)
	}
	if _, err := conn.Exec(ctx, "INSERT INTO users (email) VALUES ('b@example.com'); ALTER TABLE users ADD COLUMN name text"); err != nil {
		t.Errorf("write to and migrate the clone as its role: %v", err)
	}
	if _, err := pgx.Connect(ctx, strings.Replace(cloneURL, "/"+clone, "/"+golden, 1)); err == nil {
		t.Error("the golden template accepted a connection")
	}

	// DropDatabase ends the open session, then the role can go too.
	if err := admin.DropDatabase(ctx, clone); err != nil {
		t.Fatal(err)
	}
	if err := admin.DropRole(ctx, role); err != nil {
		t.Fatal(err)
	}
	for _, check := range []struct {
		what   string
		exists func(context.Context, string) (bool, error)
		name   string
	}{{"database", admin.DatabaseExists, clone}, {"role", admin.RoleExists, role}} {
		if ok, err := check.exists(ctx, check.name); err != nil || ok {
			t.Errorf("%s %s still exists (%v)", check.what, check.name, err)
		}
	}
	if err := admin.DropDatabase(ctx, clone); err != nil {
		t.Errorf("second drop: %v", err)
	}
}

func TestCloneWaitsForBusyTemplate(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url, admin := newAdmin(t)
	if err := admin.CreateDatabase(ctx, "busy_src", pg.AdminUser); err != nil {
		t.Fatal(err)
	}
	holder, err := pgx.Connect(ctx, strings.Replace(url, "/postgres", "/busy_src", 1)+"&application_name=blocker")
	if err != nil {
		t.Fatal(err)
	}
	err = admin.Clone(ctx, "busy_src", "busy_copy", pg.AdminUser, 300*time.Millisecond)
	var busy *pg.BusyError
	if !errors.As(err, &busy) || len(busy.Sessions) != 1 || !strings.Contains(busy.Sessions[0], "blocker") {
		t.Fatalf("clone of a busy template: %v, want a BusyError naming the blocker", err)
	}
	go func() {
		time.Sleep(300 * time.Millisecond)
		holder.Close(context.Background())
	}()
	if err := admin.Clone(ctx, "busy_src", "busy_copy", pg.AdminUser, 10*time.Second); err != nil {
		t.Errorf("clone after the blocker left: %v", err)
	}
}

func TestClusterRestartReusesPort(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	bins := testenv.PostgresBinaries(t)
	dir, err := os.MkdirTemp("", "prenv-pg-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	c := &pg.Cluster{Dir: dir, Binaries: bins}
	if st, err := c.Status(); err != nil || st.Initialised || st.Running {
		t.Errorf("Status before the first Start = %+v, %v; want neither initialised nor running", st, err)
	}
	first, err := c.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop(context.Background())
	again, err := c.Start(ctx)
	if err != nil || again != first {
		t.Fatalf("second Start = %q, %v; want the running cluster %q", again, err, first)
	}
	st, err := c.Status()
	if err != nil || !st.Initialised || !st.Running || st.PID == 0 || st.SizeBytes == 0 || time.Since(st.Started) > time.Minute ||
		!strings.Contains(first, fmt.Sprintf("127.0.0.1:%d/", st.Port)) {
		t.Errorf("Status of the running cluster = %+v, %v; want its pid, its port (URL %s), a start time and a size", st, err, first)
	}
	// Without Binaries, as prenv local stop builds it: Stop finds them.
	if err := (&pg.Cluster{Dir: dir}).Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if st, err := c.Status(); err != nil || st.Running || !st.Initialised {
		t.Errorf("Status after Stop = %+v, %v; want initialised, not running", st, err)
	}
	restarted, err := c.Start(ctx)
	if err != nil || restarted != first {
		t.Errorf("restart = %q, %v; want the same URL %q", restarted, err, first)
	}
}

func exec(t *testing.T, url, db, sql string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), strings.Replace(url, "/postgres", "/"+db, 1))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(t.Context(), sql); err != nil {
		t.Fatal(err)
	}
}

func TestMigrateAppliesOnlyNewerVersions(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url, admin := newAdmin(t)
	if err := admin.EnsureRole(ctx, "app", "pw"); err != nil {
		t.Fatal(err)
	}
	if err := admin.CreateDatabase(ctx, "mig", "app"); err != nil {
		t.Fatal(err)
	}
	exec(t, url, "mig", "ALTER SCHEMA public OWNER TO app; SET ROLE app; CREATE TABLE users (id int); "+
		"CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL); INSERT INTO schema_migrations VALUES (1, false)")
	dir := t.TempDir()
	for name, sql := range map[string]string{
		"001_users.up.sql":   "CREATE TABLE users (id int);",
		"001_users.down.sql": "DROP TABLE users;",
		"002_email.up.sql":   "ALTER TABLE users ADD COLUMN email text;",
		"010_phone.up.sql":   "ALTER TABLE users ADD COLUMN phone text;",
		"README.md":          "not a migration",
	} {
		if err := os.WriteFile(dir+"/"+name, []byte(sql), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	applied, err := admin.Migrate(ctx, "mig", "app", dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"002_email.up.sql", "010_phone.up.sql"}; !slices.Equal(applied, want) {
		t.Errorf("applied %v, want %v", applied, want)
	}
	again, err := admin.Migrate(ctx, "mig", "app", dir)
	if err != nil || len(again) != 0 {
		t.Errorf("second Migrate applied %v (%v), want nothing", again, err)
	}
	if err := os.WriteFile(dir+"/011_bad.up.sql", []byte("ALTER TABLE users ADD COLUMN x int; -- ééééééééééééééééééééééé\n\nSELECT nope FROM users;"), 0o644); err != nil {
		t.Fatal(err)
	}
	var migErr *pg.MigrationError
	if _, err := admin.Migrate(ctx, "mig", "app", dir); !errors.As(err, &migErr) || migErr.File != "011_bad.up.sql" || migErr.Line != 3 || migErr.Version != 10 ||
		!strings.Contains(err.Error(), "migration 011_bad.up.sql:3: ") {
		t.Errorf("a failing migration: err = %v, want a MigrationError naming 011_bad.up.sql, line 3, version 10", err)
	}
	conn, err := pgx.Connect(ctx, strings.Replace(url, "/postgres", "/mig", 1))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var version int64
	if err := conn.QueryRow(ctx, "SELECT version FROM schema_migrations").Scan(&version); err != nil || version != 10 {
		t.Errorf("schema_migrations version = %d (%v), want 10 after the failed 011", version, err)
	}
	var added bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'x')").Scan(&added); err != nil || added {
		t.Errorf("the failed 011's first statement stayed applied (%v)", err)
	}
}

func TestRestoreFromProductionURL(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url, admin := newAdmin(t)
	if err := admin.CreateDatabase(ctx, "production", pg.AdminUser); err != nil {
		t.Fatal(err)
	}
	exec(t, url, "production", "CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE); INSERT INTO users VALUES (1, 'a@example.com'), (2, 'b@example.com')")
	if err := admin.EnsureGroup(ctx, "objects"); err != nil {
		t.Fatal(err)
	}
	if err := admin.CreateDatabase(ctx, "golden", pg.AdminUser); err != nil {
		t.Fatal(err)
	}
	if err := admin.Restore(ctx, strings.Replace(url, "/postgres", "/production", 1), "golden", "objects"); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, strings.Replace(url, "/postgres", "/golden", 1))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	var owner string
	err = conn.QueryRow(ctx, "SELECT count(*), (SELECT tableowner FROM pg_tables WHERE tablename = 'users') FROM users").Scan(&n, &owner)
	if err != nil || n != 2 || owner != "objects" {
		t.Errorf("golden has %d users owned by %q (%v), want 2 owned by objects", n, owner, err)
	}
}

// newAdmin starts a cluster for the test and connects to it as superuser.
func newAdmin(t *testing.T) (string, *pg.Admin) {
	t.Helper()
	url := testenv.Postgres(t)
	admin, err := pg.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close(context.Background()) })
	return url, admin
}
