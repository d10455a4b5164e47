package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

// contactsSQL is a PR's migration that copies every user's email into a
// new table, as TestBinaryAnonymizeMigrationScope's does.
const contactsSQL = `CREATE TABLE contacts (id bigserial PRIMARY KEY, user_id bigint, email_backup text);
INSERT INTO contacts (user_id, email_backup) SELECT id, email FROM users ORDER BY id;`

// migrationsRepo makes dir a git repository whose base commit holds
// migration 001 (peopleSQL) and whose HEAD adds pr's migrations, and
// returns the base commit.
func migrationsRepo(t *testing.T, dir string, pr map[string]string) string {
	t.Helper()
	migrations := filepath.Join(dir, "migrations")
	write := func(path, text string) {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(migrations, 0o755); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(dir, "prenv.yaml"), "project: anon\ntarget: none\n"+peopleRules)
	write(filepath.Join(migrations, "001_people.up.sql"), peopleSQL)
	git(t, dir, "init", "-q", "-b", "main")
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-q", "-m", "base")
	base := git(t, dir, "rev-parse", "HEAD")
	for name, sql := range pr {
		write(filepath.Join(migrations, name), sql)
	}
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-q", "-m", "pr")
	return base
}

// baseDatabase creates a database holding what migration 001 makes, and
// recorded so: the base branch's schema and data, none of the PR's.
func baseDatabase(t *testing.T, adminURL, name string) string {
	t.Helper()
	return database(t, adminURL, name, peopleSQL+`;
CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
INSERT INTO schema_migrations VALUES (1, false);`)
}

// rowsDigest sums table's rows with their xmin, so that any row written
// again, even with the same values, changes it.
func rowsDigest(t *testing.T, dbURL, table string) string {
	t.Helper()
	return queryString(t, dbURL, "SELECT md5(string_agg(r::text || '@' || r.xmin::text, ',' ORDER BY r::text)) FROM "+table+" r")
}

func TestBinaryAnonymizeMigrate(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	adminURL := testenv.Postgres(t)
	base := migrationsRepo(t, s.dir, map[string]string{"002_contacts.up.sql": contactsSQL})
	db := baseDatabase(t, adminURL, "pr")
	if queryString(t, db, "SELECT (to_regclass('contacts') IS NULL)::text") != "true" {
		t.Fatal("the base database already holds the PR's table")
	}
	users := rowsDigest(t, db, "users")
	args := []string{"anonymize", "--database-url", db, "--migrate", "--scope", "migrations", "--base", base, "--head", "HEAD"}

	out, stderr, code := s.run(args...)
	if code != 0 {
		t.Fatalf("exit %d, %s\n%s", code, stderr, out)
	}
	if !strings.Contains(out, "migrated 002_contacts.up.sql\n") || strings.Contains(out, "001_people") {
		t.Errorf("want 002 alone reported migrated:\n%s", out)
	}
	if !strings.Contains(out, "[email_backup]: 200 of 200 rows changed by columns") || strings.Contains(out, "anonymised users") {
		t.Errorf("want contacts.email_backup alone anonymised, every copied value:\n%s", out)
	}
	if v := queryString(t, db, "SELECT string_agg(version::text, ',') FROM schema_migrations"); v != "2" {
		t.Errorf("schema_migrations holds %s, want 2", v)
	}
	if n := queryString(t, db, "SELECT count(*)::text FROM contacts WHERE email_backup IS NOT NULL"); n != "200" {
		t.Errorf("%s contacts with an email, want 200: migration 002 did not run as written", n)
	}
	// users keeps the seed's raw emails (outside the scope), so any copy
	// that survived would match one of them.
	if n := queryString(t, db, "SELECT count(*)::text FROM contacts c JOIN users u ON c.email_backup = u.email"); n != "0" {
		t.Errorf("%s raw emails survive in contacts.email_backup", n)
	}
	if n := queryString(t, db, "SELECT count(*)::text FROM contacts WHERE email_backup LIKE '%corp.example'"); n != "0" {
		t.Errorf("%s contacts.email_backup values keep the seed's domain", n)
	}
	if rowsDigest(t, db, "users") != users {
		t.Error("users, which the PR's migrations only read, changed")
	}

	// Again: nothing to migrate, every value already anonymised, no row written.
	contacts, migrated := rowsDigest(t, db, "contacts"), rowsDigest(t, db, "schema_migrations")
	out, stderr, code = s.run(args...)
	if code != 0 {
		t.Fatalf("second run: exit %d, %s\n%s", code, stderr, out)
	}
	if strings.Contains(out, "migrated ") || !strings.Contains(out, "[email_backup]: 0 of 200 rows changed by columns") {
		t.Errorf("second run: want no migration and no value changed:\n%s", out)
	}
	if rowsDigest(t, db, "contacts") != contacts || rowsDigest(t, db, "schema_migrations") != migrated || rowsDigest(t, db, "users") != users {
		t.Error("the second run wrote rows")
	}
}

func TestBinaryAnonymizeMigrateFailure(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	adminURL := testenv.Postgres(t)
	orders := `CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);
INSERT INTO orders SELECT id, id FROM users;`
	// 003 does its work, then fails on its last statement, line 4.
	bad := orders + "\nUPDATE users SET phone = NULL;\nSELECT no_such_column FROM users;"
	base := migrationsRepo(t, s.dir, map[string]string{"002_contacts.up.sql": contactsSQL, "003_orders.up.sql": bad})
	db := baseDatabase(t, adminURL, "pr")
	users := rowsDigest(t, db, "users")
	state := func() string {
		return queryString(t, db, `SELECT (SELECT string_agg(version::text, ',') FROM schema_migrations) || ' contacts:' ||
			(to_regclass('contacts') IS NOT NULL) || ' orders:' || (to_regclass('orders') IS NOT NULL)`)
	}
	oneLine := func(stderr string) bool { return strings.Count(strings.TrimSpace(stderr), "\n") == 0 }
	run := func(ref string) (string, string, int) {
		return s.run("anonymize", "--database-url", db, "--migrate", "--scope", "migrations", "--base", ref, "--head", "HEAD")
	}

	// A bad ref, or a plan, is refused before any migration runs.
	out, stderr, code := run("no-such-ref")
	if code != 2 || !oneLine(stderr) || strings.Contains(out, "migrated") {
		t.Errorf("a bad --base: exit %d, %q, %q; want exit 2, one line, nothing migrated", code, stderr, out)
	}
	for _, only := range []string{"--plan", "--verify"} {
		out, stderr, code = s.run("anonymize", "--database-url", db, "--migrate", only, "--scope", "migrations", "--base", base, "--head", "HEAD")
		if code != 2 || !oneLine(stderr) || !strings.Contains(stderr, "--plan and --verify change nothing") || strings.Contains(out, "migrated") {
			t.Errorf("%s --migrate: exit %d, %q, %q; want exit 2, one line, nothing migrated", only, code, stderr, out)
		}
	}
	if got, want := state(), "1 contacts:false orders:false"; got != want {
		t.Errorf("after a refused run the database is %q, want %q as before", got, want)
	}

	// A failing migration: those before it stay applied, as the output says;
	// nothing of it does, and nothing is anonymised. The error is one line,
	// after the scope's notice.
	out, stderr, code = run(base)
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	last := lines[len(lines)-1]
	want := "prenv: migration 003_orders.up.sql:4: ERROR: column \"no_such_column\" does not exist"
	if code != 1 || !strings.HasPrefix(last, want) || !strings.Contains(last, "rolled back and the database stays at version 2") ||
		strings.Count(stderr, "003_orders") != 1 || strings.Contains(strings.Join(lines[:len(lines)-1], "\n"), "ERROR") {
		t.Errorf("exit %d, %q; want exit 1 and one error line starting %q, saying the database stays at version 2", code, stderr, want)
	}
	if out != "migrated 002_contacts.up.sql\n" {
		t.Errorf("stdout %q, want 002 alone reported migrated", out)
	}
	if got, want := state(), "2 contacts:true orders:false"; got != want {
		t.Errorf("after the failed 003 the database is %q, want %q", got, want)
	}
	if rowsDigest(t, db, "users") != users {
		t.Error("the failed 003's UPDATE of users stayed applied")
	}

	// Fixed, the next run applies 003 alone and anonymises what 002 and 003 wrote.
	os.WriteFile(filepath.Join(s.dir, "migrations", "003_orders.up.sql"), []byte(orders), 0o644) //nolint:errcheck
	git(t, s.dir, "commit", "-q", "-am", "fix 003")
	out, stderr, code = run(base)
	if code != 0 || !strings.HasPrefix(out, "migrated 003_orders.up.sql\n") || strings.Contains(out, "002_contacts") ||
		!strings.Contains(out, "[email_backup]: 200 of 200 rows changed by columns") {
		t.Fatalf("after the fix: exit %d, %s\n%s", code, stderr, out)
	}
	if got, want := state(), "3 contacts:true orders:true"; got != want {
		t.Errorf("after the fix the database is %q, want %q", got, want)
	}
	if n := queryString(t, db, "SELECT count(*)::text FROM contacts c JOIN users u ON c.email_backup = u.email"); n != "0" {
		t.Errorf("%s raw emails survive in contacts.email_backup", n)
	}
}
