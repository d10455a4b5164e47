package cli_test

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/internal/testenv"
)

const peopleSQL = `CREATE TABLE users (id bigserial PRIMARY KEY, name text, email text UNIQUE, phone text);
INSERT INTO users (name, email, phone) SELECT 'Person ' || i, 'person' || i || '@corp.example', '+44 20 7946 ' || lpad(i::text, 4, '0') FROM generate_series(1, 200) i;
CREATE TABLE notes (id int PRIMARY KEY, body text);
INSERT INTO notes VALUES (1, 'kept as it is');`

const peopleRules = `database:
  migrations: migrations
  anonymize:
    rules:
      users.name: {transformer: name}
      users.email: {transformer: email}
      users.phone: {transformer: phone}
`

// database creates a database on admin's cluster holding sql and returns its URL.
func database(t *testing.T, adminURL, name, sql string) string {
	t.Helper()
	admin, err := pgx.Connect(t.Context(), adminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(t.Context(), "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(adminURL)
	u.Path = "/" + name
	conn, err := pgx.Connect(t.Context(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(t.Context(), sql); err != nil {
		t.Fatal(err)
	}
	return u.String()
}

func queryString(t *testing.T, dbURL, sql string) string {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var s string
	if err := conn.QueryRow(t.Context(), sql).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestBinaryAnonymize(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	adminURL := testenv.Postgres(t)
	if err := os.WriteFile(filepath.Join(s.dir, "prenv.yaml"), []byte("project: anon\ntarget: none\n"+peopleRules), 0o644); err != nil {
		t.Fatal(err)
	}
	source := database(t, adminURL, "source", peopleSQL)
	target := database(t, adminURL, "target", peopleSQL)
	emails := "SELECT string_agg(email, ',' ORDER BY id) FROM users"
	before := queryString(t, target, emails)

	out, stderr, code := s.run("anonymize", "--database-url", target, "--scope", "all", "--plan")
	if code != 0 || !strings.Contains(out, "would anonymise users") || queryString(t, target, emails) != before {
		t.Fatalf("plan: exit %d, %s\n%s", code, stderr, out)
	}
	if _, stderr, code := s.run("anonymize", "--database-url", target, "--scope", "all"); code != 0 {
		t.Fatalf("anonymize: %s", stderr)
	}
	if got := queryString(t, target, emails); got == before || strings.Contains(got, "corp.example") {
		t.Error("the emails were not anonymised")
	}
	if queryString(t, target, "SELECT body FROM notes") != "kept as it is" {
		t.Error("an unruled table changed")
	}
	out, stderr, code = s.run("anonymize", "--database-url", target, "--verify", "--source-url", source)
	if code != 0 || !strings.Contains(out, "verified users.email") {
		t.Errorf("verify: exit %d, %s\n%s", code, stderr, out)
	}
	if out, _, code := s.run("anonymize", "--database-url", source, "--verify", "--source-url", source); code == 0 || strings.Contains(out, "corp.example") {
		t.Errorf("verifying a raw database passed, or printed a value:\n%s", out)
	}

	// Bad input: named, one line, nothing changed.
	raw := database(t, adminURL, "raw", peopleSQL)
	rawBefore := queryString(t, raw, emails)
	for _, tc := range []struct {
		name, rules, want string
		code              int
	}{
		{"unknown transformer", "      users.name: {transformer: scramble}\n      users.email: {transformer: email}\n      users.phone: {transformer: phone}\n", `users.name: unknown transformer "scramble"`, 1},
		{"missing column", "      users.nickname: {transformer: name}\n      users.name: {transformer: name}\n      users.email: {transformer: email}\n      users.phone: {transformer: phone}\n", "users.nickname: no such column", 1},
		{"unruled personal column", "      users.name: {transformer: name}\n", "users.email (its name and its values look like email addresses)", 1},
		{"unset salt variable", "      users.name: {transformer: name}\n    salt-env: SHOP_SALT_UNSET\n", "SHOP_SALT_UNSET, which is not set", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bp := filepath.Join(t.TempDir(), "prenv.yaml")
			os.WriteFile(bp, []byte("project: anon\ntarget: none\ndatabase:\n  anonymize:\n    rules:\n"+tc.rules), 0o644) //nolint:errcheck
			_, stderr, code := s.run("anonymize", "--blueprint", bp, "--database-url", raw, "--scope", "all")
			if code != tc.code || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("exit %d, %q; want exit %d and one line with %q", code, stderr, tc.code, tc.want)
			}
		})
	}
	if queryString(t, raw, emails) != rawBefore {
		t.Error("a refused run changed the data")
	}
}

func TestBinaryAnonymizeMigrationScope(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	adminURL := testenv.Postgres(t)
	os.WriteFile(filepath.Join(s.dir, "prenv.yaml"), []byte("project: anon\ntarget: none\n"+peopleRules), 0o644) //nolint:errcheck
	migrations := filepath.Join(s.dir, "migrations")
	os.Mkdir(migrations, 0o755)                                                                                                  //nolint:errcheck
	os.WriteFile(filepath.Join(migrations, "001_users.up.sql"), []byte("CREATE TABLE users (id bigserial PRIMARY KEY);"), 0o644) //nolint:errcheck
	git(t, s.dir, "init", "-q", "-b", "main")
	git(t, s.dir, "add", ".")
	git(t, s.dir, "commit", "-q", "-m", "base")
	base := git(t, s.dir, "rev-parse", "HEAD")
	pr := `CREATE TABLE contacts (id bigserial PRIMARY KEY, user_id bigint, email_backup text);
INSERT INTO contacts (user_id, email_backup) SELECT id, email FROM users;`
	os.WriteFile(filepath.Join(migrations, "002_contacts.up.sql"), []byte(pr), 0o644) //nolint:errcheck
	git(t, s.dir, "add", ".")
	git(t, s.dir, "commit", "-q", "-m", "pr")

	db := database(t, adminURL, "pr", peopleSQL+";"+pr)
	users := queryString(t, db, "SELECT md5(string_agg(u::text, ',' ORDER BY id)) FROM users u")
	out, stderr, code := s.run("anonymize", "--database-url", db, "--scope", "migrations", "--base", base, "--head", "HEAD", "--plan")
	if code != 0 || !strings.Contains(out, "would anonymise contacts") || !strings.Contains(out, "[email_backup] by columns (about ") || strings.Contains(out, "users") {
		t.Fatalf("plan: exit %d, %s\n%s", code, stderr, out)
	}
	out, stderr, code = s.run("anonymize", "--database-url", db, "--scope", "migrations", "--base", base, "--head", "HEAD")
	if code != 0 || !strings.Contains(out, "anonymised contacts") || strings.Contains(out, "anonymised users") {
		t.Fatalf("exit %d, %s\n%s", code, stderr, out)
	}
	if n := queryString(t, db, "SELECT count(*)::text FROM contacts WHERE email_backup LIKE '%corp.example'"); n != "0" {
		t.Errorf("%s copied emails survive in contacts.email_backup", n)
	}
	if queryString(t, db, "SELECT md5(string_agg(u::text, ',' ORDER BY id)) FROM users u") != users {
		t.Error("users, outside the PR's scope, changed")
	}
}

func TestBinaryGoldenKeepsTheOldOneOnFailure(t *testing.T) {
	t.Parallel()
	s := newLocalSandbox(t)
	bp := filepath.Join(s.dir, "prenv.yaml")
	write := func(rules string) {
		os.WriteFile(bp, []byte("project: gold\ntarget: local\ndatabase:\n  golden: golden.sql\n  anonymize:\n    rules:\n"+rules), 0o644) //nolint:errcheck
	}
	os.WriteFile(filepath.Join(s.dir, "golden.sql"), []byte(peopleSQL), 0o644) //nolint:errcheck
	write("      users.name: {transformer: name}\n      users.email: {transformer: email}\n      users.phone: {transformer: phone}\n")
	out, stderr, code := s.run("golden")
	if code != 0 || !strings.Contains(out, "verified users.email") {
		t.Fatalf("golden: exit %d, %s\n%s", code, stderr, out)
	}
	admin, err := pg.Connect(t.Context(), s.adminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	exists := func(db string) bool {
		ok, err := admin.DatabaseExists(t.Context(), db)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !exists("prenv_gold_golden") {
		t.Fatal("no golden after prenv golden")
	}
	oid := func() string {
		return queryString(t, s.adminURL, "SELECT oid::text FROM pg_database WHERE datname = 'prenv_gold_golden'")
	}
	first := oid()
	// A refresh whose rules miss a personal column fails, and the old golden stays.
	write("      users.name: {transformer: name}\n")
	if _, stderr, code := s.run("golden"); code == 0 || !strings.Contains(stderr, "users.email") {
		t.Errorf("a refresh with a missing rule: exit %d, %s", code, stderr)
	}
	if oid() != first || exists("prenv_gold_golden_next") || exists("prenv_gold_golden_source") {
		t.Error("a failed refresh replaced the golden or left its work behind")
	}
	write("      users.name: {transformer: name}\n      users.email: {transformer: email}\n      users.phone: {transformer: phone}\n")
	if _, stderr, code := s.run("golden"); code != 0 || oid() == first {
		t.Errorf("a second refresh did not swap in a new golden: %s", stderr)
	}
}
