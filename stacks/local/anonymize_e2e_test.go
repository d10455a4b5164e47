package local_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks"
)

// TestLocalPIINeverReachesAnEnvironment plants a hidden person in the
// "production" source and a PR migration that copies users.email into a
// new column, and then looks for the person everywhere.
func TestLocalPIINeverReachesAnEnvironment(t *testing.T) {
	t.Parallel()
	for _, method := range []stacks.Clone{stacks.CloneTemplate, stacks.CloneThin} {
		t.Run(string(method), func(t *testing.T) {
			t.Parallel()
			testPIINeverReachesAnEnvironment(t, newWorldOn(t, method))
		})
	}
}

func testPIINeverReachesAnEnvironment(t *testing.T, w *world) {
	app := filepath.Join(testenv.RepoRoot(t), "examples", "app", "db")
	source, err := os.ReadFile(filepath.Join(app, "golden.sql"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	golden := filepath.Join(dir, "golden.sql")
	planted := "\nINSERT INTO users (id, name, email, phone, address) VALUES (9999, 'Zelda Quux', 'zelda.quux@hidden.example', '+1-202-555-0199', '42 Hidden Lane, Nowhere');\n"
	if err := os.WriteFile(golden, append(source, planted...), 0o644); err != nil {
		t.Fatal(err)
	}
	migrations := filepath.Join(dir, "migrations")
	os.Mkdir(migrations, 0o755) //nolint:errcheck
	for _, f := range []string{"001_create_users.up.sql", "002_create_orders.up.sql"} {
		data, _ := os.ReadFile(filepath.Join(app, "migrations", f))
		os.WriteFile(filepath.Join(migrations, f), data, 0o644) //nolint:errcheck
	}
	pr := `CREATE TABLE contacts (id bigserial PRIMARY KEY, user_id bigint REFERENCES users (id), email_backup text);
INSERT INTO contacts (user_id, email_backup) SELECT id, email FROM users;
INSERT INTO contacts (email_backup) VALUES ('yorick.leak@hidden.example');`
	w.target.Golden = golden
	w.bp.Database.Migrations = migrations
	w.upForTheTest("baseline")
	baseline := w.digests("prenv_shop_baseline", "users", "orders")

	if err := os.WriteFile(filepath.Join(migrations, "003_contacts.up.sql"), []byte(pr), 0o644); err != nil {
		t.Fatal(err)
	}
	w.target.MigrationsRevision = "with-003"
	var progress bytes.Buffer
	if _, err := w.engine.Up(t.Context(), w.env("pr-1"), automation.Progress(&progress)); err != nil {
		t.Fatalf("up pr-1: %v\n%s", err, progress.String())
	}
	t.Cleanup(func() { w.destroy("pr-1") })
	if !regexp.MustCompile(`migrations \[003_contacts.up.sql\] took [0-9.]+m?s, and anonymising what they wrote [0-9.]+m?s`).MatchString(progress.String()) {
		t.Errorf("up did not say how long the PR's migration and its anonymisation took:\n%s", progress.String())
	}

	for _, db := range []string{"prenv_shop_baseline", "prenv_shop_pr_1"} {
		for _, needle := range []string{"hidden.example", "Zelda", "Quux", "202-555-0199", "Hidden Lane", "yorick"} {
			if n := w.countEverywhere(db, needle); n > 0 {
				t.Errorf("%d rows of %s hold the planted %q", n, db, needle)
			}
		}
	}
	if n := w.countEverywhere("prenv_shop_pr_1", "@example.com"); n == 0 {
		t.Error("pr-1 has no anonymised emails at all; the check above proves nothing")
	}
	if got := w.digests("prenv_shop_pr_1", "users", "orders"); got != baseline {
		t.Error("pr-1's users or orders differ from the baseline's: only contacts was in scope")
	}
	if n := w.countWhere("prenv_shop_pr_1", "SELECT count(*) FROM contacts c JOIN users u ON u.id = c.user_id AND u.email = c.email_backup"); n != 51 {
		t.Errorf("%d contacts keep the anonymised email of their user, want all 51: the copy is anonymised like its source", n)
	}
}

// dbConn connects to database db of the world's cluster as the superuser.
func (w *world) dbConn(db string) *pgx.Conn {
	w.t.Helper()
	u, _ := url.Parse(w.serverURL(db))
	u.Path = "/" + db
	conn, err := pgx.Connect(w.t.Context(), u.String())
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// countEverywhere counts the rows of every table of db whose text holds needle.
func (w *world) countEverywhere(db, needle string) int64 {
	w.t.Helper()
	conn := w.dbConn(db)
	rows, err := conn.Query(w.t.Context(), "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'")
	if err != nil {
		w.t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		w.t.Fatal(err)
	}
	var total int64
	for _, tbl := range tables {
		var n int64
		if err := conn.QueryRow(w.t.Context(), fmt.Sprintf("SELECT count(*) FROM %s x WHERE x::text LIKE '%%' || $1 || '%%'", tbl), needle).Scan(&n); err != nil {
			w.t.Fatal(err)
		}
		total += n
	}
	return total
}

func (w *world) countWhere(db, sql string) int64 {
	w.t.Helper()
	var n int64
	if err := w.dbConn(db).QueryRow(w.t.Context(), sql).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// digests hashes the content of tables of db, in order.
func (w *world) digests(db string, tables ...string) string {
	w.t.Helper()
	conn := w.dbConn(db)
	out := ""
	for _, tbl := range tables {
		var d string
		if err := conn.QueryRow(w.t.Context(), fmt.Sprintf("SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM %s x", tbl)).Scan(&d); err != nil {
			w.t.Fatal(err)
		}
		out += tbl + ":" + d + " "
	}
	return out
}

// TestLocalGoldenWithoutRulesIsRefused: a golden whose columns look
// personal is refused when the blueprint has no rules, not copied raw.
func TestLocalGoldenWithoutRulesIsRefused(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.bp.Database.Anonymize.Rules = nil
	var progress strings.Builder
	_, err := w.engine.Up(t.Context(), w.env("baseline"), automation.Progress(&progress))
	if err == nil || !strings.Contains(err.Error(), "users.email") || !strings.Contains(err.Error(), "database.anonymize.rules") {
		t.Fatalf("up without rules over a golden of people: %v", err)
	}
	if w.query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'prenv_shop_golden')") {
		t.Error("the raw golden was kept")
	}
	w.destroy("baseline")
}
