package aws_test

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks/aws"
)

// The Job's and the ebs-snapshot pod's shell scripts, run for real with
// sh, psql and postgres against a real PostgreSQL.

// withDatabase returns url pointing at database db, as user when given.
func withDatabase(t *testing.T, raw, db, user, password string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + db
	if user != "" {
		u.User = url.UserPassword(user, password)
	}
	return u.String()
}

// runScript runs script with sh and env, PostgreSQL's programs first on
// PATH, as owner when not nil.
func runScript(t *testing.T, script string, env map[string]string, owner *user.User) (string, error) {
	t.Helper()
	bins := testenv.PostgresBinaries(t)
	cmd := exec.CommandContext(t.Context(), "sh", "-c", script)
	cmd.Env = []string{"PATH=" + bins.Dir + ":/usr/bin:/bin", "LC_ALL=C"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if owner != nil {
		uid, _ := strconv.Atoi(owner.Uid)
		gid, _ := strconv.Atoi(owner.Gid)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func exec1(t *testing.T, dbURL string, sqls ...string) error {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	for _, sql := range sqls {
		if _, err := conn.Exec(t.Context(), sql); err != nil {
			return err
		}
	}
	return nil
}

// TestRoleScriptOnAClone: on a dedicated clone the role reads and writes
// the golden's tables and, on PostgreSQL 15 and later, may create its own
// in schema public; a rerun changes nothing.
func TestRoleScriptOnAClone(t *testing.T) {
	t.Parallel()
	admin := testenv.Postgres(t)
	// Before 15, PostgreSQL grants CREATE on public to everyone, and the
	// check below would pass without the script's grant.
	if err := exec1(t, admin, `DO $$ BEGIN IF current_setting('server_version_num')::int < 150000 THEN
		RAISE EXCEPTION 'PostgreSQL % grants CREATE on public to everyone: this test needs 15 or later', current_setting('server_version'); END IF; END $$`); err != nil {
		t.Fatal(err)
	}
	if err := exec1(t, admin, "CREATE TABLE users (id int, email text)", "INSERT INTO users VALUES (1, 'a@example.com')"); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"PRENV_DATABASE_URL": admin, "PGUSER": "prenv_shop_pr_7", "PGPASSWORD": "pw7", "PGDATABASE": "postgres"}
	for range 2 {
		if out, err := runScript(t, aws.RoleScript, env, nil); err != nil {
			t.Fatalf("role script: %v\n%s", err, out)
		}
	}
	role := withDatabase(t, admin, "postgres", "prenv_shop_pr_7", "pw7")
	if err := exec1(t, role, "INSERT INTO users VALUES (2, 'b@example.com')", "CREATE TABLE public.notes (body text)"); err != nil {
		t.Errorf("as the role: %v, want it to write the golden's tables and create its own in public", err)
	}
}

// TestRoleScriptOnASharedInstance: the shared-instance source creates
// each environment's database from the template in seconds, gives its
// role that database alone (tables the migrations add later included),
// and keeps every other role out of it.
func TestRoleScriptOnASharedInstance(t *testing.T) {
	t.Parallel()
	admin := testenv.Postgres(t)
	if err := exec1(t, admin, "CREATE DATABASE shop_golden"); err != nil {
		t.Fatal(err)
	}
	if err := exec1(t, withDatabase(t, admin, "shop_golden", "", ""),
		"CREATE TABLE users (id int, email text)", "INSERT INTO users VALUES (1, 'a@example.com')"); err != nil {
		t.Fatal(err)
	}
	if err := exec1(t, admin, "ALTER DATABASE shop_golden WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"); err != nil {
		t.Fatal(err)
	}
	for _, pr := range []string{"7", "8"} {
		name := "prenv_shop_pr_" + pr
		env := map[string]string{
			"PRENV_MAINTENANCE_URL": admin, "PRENV_DATABASE_URL": withDatabase(t, admin, name, "", ""), "PRENV_GOLDEN_TEMPLATE": "shop_golden",
			"PGUSER": name, "PGPASSWORD": "pw" + pr, "PGDATABASE": name,
		}
		for range 2 { // a rerun of the Job finds the database and the role
			if out, err := runScript(t, aws.RoleScript, env, nil); err != nil {
				t.Fatalf("role script for pr-%s: %v\n%s", pr, err, out)
			}
		}
	}
	// A migration, applied as the superuser after the script.
	if err := exec1(t, withDatabase(t, admin, "prenv_shop_pr_7", "", ""), "CREATE TABLE orders (id int)"); err != nil {
		t.Fatal(err)
	}
	role7 := withDatabase(t, admin, "prenv_shop_pr_7", "prenv_shop_pr_7", "pw7")
	if err := exec1(t, role7, "SELECT email FROM users", "INSERT INTO users VALUES (2, 'b@example.com')", "INSERT INTO orders VALUES (1)", "CREATE TABLE notes (body text)"); err != nil {
		t.Errorf("pr-7's role in its database: %v, want it to use the cloned and migrated tables and create its own", err)
	}
	err := exec1(t, withDatabase(t, admin, "prenv_shop_pr_8", "prenv_shop_pr_7", "pw7"), "SELECT 1")
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("pr-7's role connecting to pr-8's database: %v, want permission denied", err)
	}
}

// TestResetScriptRestoresDataDirMode: fsGroup leaves the restored PGDATA
// group-writable (2770), which PostgreSQL refuses; the reset-password
// init container restores 0700 before postgres --single, and without that
// step the same directory fails.
func TestResetScriptRestoresDataDirMode(t *testing.T) {
	t.Parallel()
	var owner *user.User
	if os.Geteuid() == 0 { // PostgreSQL refuses to run as root
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root without a postgres user: %v", err)
		}
		owner = u
	}
	dir, err := os.MkdirTemp("", "prenv-pgdata-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	pgdata := filepath.Join(dir, "pgdata")
	if out, err := runScript(t, `initdb -D "$PGDATA" -U postgres --auth=trust >/dev/null`, map[string]string{"PGDATA": pgdata}, owner); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	env := map[string]string{"PGDATA": pgdata, "PGADMIN": "postgres", "PGADMINPASSWORD": "s3cret"}
	withoutChmod := strings.Replace(aws.ResetScript, `chmod 0700 "$PGDATA"`, "", 1)
	if withoutChmod == aws.ResetScript {
		t.Fatal("the reset script no longer restores the mode with chmod 0700: update this test")
	}
	if err := os.Chmod(pgdata, 0o2770); err != nil { // what the kubelet's fsGroup leaves
		t.Fatal(err)
	}
	if out, err := runScript(t, withoutChmod, env, owner); err == nil || !strings.Contains(out, "permissions") {
		t.Fatalf("postgres --single on a 2770 PGDATA: %v\n%s\nwant the refusal the fix is for", err, out)
	}
	if out, err := runScript(t, aws.ResetScript, env, owner); err != nil {
		t.Fatalf("reset script on a 2770 PGDATA: %v\n%s", err, out)
	}
	fi, err := os.Stat(pgdata)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o700 {
		t.Errorf("PGDATA mode %o after the reset, want 700", got)
	}
	set := superuserPassword(t, pgdata, owner)
	if !strings.HasPrefix(set, "SCRAM-SHA-256$") {
		t.Fatalf("after the reset the superuser's password is %q, want a SCRAM hash", set)
	}

	// A later start, its setup Secret deleted: no password to set, the
	// one on the volume stays, and the mode is restored all the same.
	if err := os.Chmod(pgdata, 0o2770); err != nil {
		t.Fatal(err)
	}
	delete(env, "PGADMINPASSWORD")
	if out, err := runScript(t, aws.ResetScript, env, owner); err != nil {
		t.Fatalf("reset script without a password: %v\n%s", err, out)
	}
	if fi, err := os.Stat(pgdata); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("PGDATA after a start without a password: %v, %v; want mode 700", fi.Mode(), err)
	}
	if kept := superuserPassword(t, pgdata, owner); kept != set {
		t.Errorf("a start without a password changed the superuser's password from %q to %q", set, kept)
	}
}

// superuserPassword reads the postgres role's password hash in
// single-user mode.
func superuserPassword(t *testing.T, pgdata string, owner *user.User) string {
	t.Helper()
	out, err := runScript(t, `echo "SELECT rolpassword FROM pg_authid WHERE rolname = 'postgres';" | postgres --single -D "$PGDATA" postgres`, map[string]string{"PGDATA": pgdata}, owner)
	if err != nil {
		t.Fatalf("read the superuser's password: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`rolpassword = "([^"]*)"`).FindStringSubmatch(out)
	if m == nil {
		return ""
	}
	return m[1]
}
