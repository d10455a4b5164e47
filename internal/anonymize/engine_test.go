package anonymize_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/prenv/prenv/internal/anonymize"
	"github.com/prenv/prenv/internal/testenv"
)

var dbSeq atomic.Int64

// newDatabase creates a database on the test cluster, loads sql into it,
// and returns a connection to it and its URL.
func newDatabase(t *testing.T, admin, sql string) (*pgx.Conn, string) {
	t.Helper()
	name := fmt.Sprintf("anon_%d_%d", dbSeq.Add(1), len(t.Name()))
	conn := connect(t, admin)
	if _, err := conn.Exec(t.Context(), "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(admin)
	u.Path = "/" + name
	db := connect(t, u.String())
	if sql != "" {
		if _, err := db.Exec(t.Context(), sql); err != nil {
			t.Fatal(err)
		}
	}
	return db, u.String()
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func scalar[T any](t *testing.T, conn *pgx.Conn, sql string) T {
	t.Helper()
	var v T
	if err := conn.QueryRow(t.Context(), sql).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

// digest is a table's content as one hash, to compare byte for byte.
func digest(t *testing.T, conn *pgx.Conn, table string) string {
	return scalar[string](t, conn, fmt.Sprintf("SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM %s x", table))
}

const shop = `
CREATE TABLE users (
	id bigserial PRIMARY KEY,
	name text NOT NULL,
	email text NOT NULL UNIQUE,
	phone text,
	signup_ip inet,
	score integer CHECK (score >= 0),
	email_lower text GENERATED ALWAYS AS (lower(email)) STORED
);
COMMENT ON CONSTRAINT users_email_key ON users IS 'one account per address';
CREATE INDEX users_name_idx ON users (name);
COMMENT ON INDEX users_name_idx IS 'search by name';
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE, total numeric(10,2), email text);
CREATE TABLE products (id serial PRIMARY KEY, title text);
GRANT SELECT ON users TO PUBLIC;
INSERT INTO users (name, email, phone, signup_ip, score)
	SELECT 'Person ' || i, 'person' || i || '@corp.example', '+44 20 7946 ' || lpad(i::text, 4, '0'), ('10.0.' || (i % 250) || '.' || (i % 200))::inet, i
	FROM generate_series(1, 3000) i;
INSERT INTO orders (user_id, total, email) SELECT 1 + (i % 3000), i, 'person' || (1 + (i % 3000)) || '@corp.example' FROM generate_series(1, 5000) i;
INSERT INTO products (title) SELECT 'Widget ' || i FROM generate_series(1, 10) i;
`

var shopRules = map[string]anonymize.Rule{
	"users.name":      {Transformer: "name"},
	"users.email":     {Transformer: "email"},
	"users.phone":     {Transformer: "phone"},
	"users.signup_ip": {Transformer: "ip"},
	"orders.email":    {Transformer: "email"},
}

var salt = []byte("test-salt")

func TestRunKeepsJoinsConstraintsAndNoOriginals(t *testing.T) {
	t.Parallel()
	for _, method := range []string{"rewrite", "update"} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			testRunKeeps(t, method)
		})
	}
}

func testRunKeeps(t *testing.T, method string) {
	admin := testenv.Postgres(t)
	src, srcURL := newDatabase(t, admin, shop)
	ctx := t.Context()
	joins := "SELECT count(*) FROM users u JOIN orders o ON o.email = u.email"
	wantJoins := scalar[int64](t, src, joins)
	schema := `SELECT string_agg(d, E'\n' ORDER BY d) FROM (
		SELECT conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated AS d FROM pg_constraint WHERE conrelid IN ('users'::regclass, 'orders'::regclass)
		UNION ALL SELECT indexdef FROM pg_indexes WHERE tablename IN ('users', 'orders')
		UNION ALL SELECT description FROM pg_description WHERE description <> ''
		UNION ALL SELECT relname || ' ' || relacl::text FROM pg_class WHERE relname = 'users') s`
	wantSchema := scalar[string](t, src, schema)

	// The anonymised copy is a clone, as a golden is.
	src.Close(ctx)
	dst := cloneDatabase(t, admin, srcURL)
	src = connect(t, srcURL)

	rep, err := anonymize.Run(ctx, dst, anonymize.Options{Rules: shopRules, Salt: salt, Allow: []string{"products.title"}, Method: method})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Tables) != 2 || rep.Tables[0].Method != method {
		t.Errorf("anonymised %d tables, want users and orders: %+v", len(rep.Tables), rep)
	}
	if got := scalar[int64](t, dst, joins); got != wantJoins {
		t.Errorf("join on the anonymised email matches %d rows, want %d as before", got, wantJoins)
	}
	if got := scalar[string](t, dst, schema); got != wantSchema {
		t.Errorf("constraints, indexes, comments or grants changed:\n got %s\nwant %s", got, wantSchema)
	}
	if got := scalar[int64](t, dst, "SELECT count(*) FROM users WHERE email_lower = lower(email)"); got != 3000 {
		t.Errorf("the generated column follows the new email in %d rows, want 3000", got)
	}
	if got := scalar[int64](t, dst, "SELECT count(*) FROM users WHERE score = id"); got != 3000 {
		t.Errorf("an unruled column changed: %d of 3000 rows kept their score", got)
	}
	if _, err := anonymize.Verify(ctx, src, dst, shopRules); err != nil {
		t.Error(err)
	}
	// The check can fail: an unanonymised copy does not verify.
	if _, err := anonymize.Verify(ctx, src, src, shopRules); err == nil || !strings.Contains(err.Error(), "users.email") {
		t.Errorf("Verify of the source against itself: %v; want survivors", err)
	}
}

// cloneDatabase copies the database at srcURL, which must have no
// connections, and connects to the copy.
func cloneDatabase(t *testing.T, adminURL, srcURL string) *pgx.Conn {
	t.Helper()
	u, _ := url.Parse(srcURL)
	src := strings.TrimPrefix(u.Path, "/")
	name := fmt.Sprintf("anon_%d_clone", dbSeq.Add(1))
	admin := connect(t, adminURL)
	if _, err := admin.Exec(t.Context(), fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, src)); err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return connect(t, u.String())
}

func TestDeterministicAcrossRuns(t *testing.T) {
	t.Parallel()
	admin := testenv.Postgres(t)
	a, _ := newDatabase(t, admin, shop)
	b, _ := newDatabase(t, admin, shop)
	for _, db := range []*pgx.Conn{a, b} {
		if _, err := anonymize.Run(t.Context(), db, anonymize.Options{Rules: shopRules, Salt: salt, Allow: []string{"products.title"}}); err != nil {
			t.Fatal(err)
		}
	}
	if da, db := digest(t, a, "users"), digest(t, b, "users"); da != db {
		t.Error("two runs with the same salt gave different users tables")
	}
}

func TestUniqueColumnsStayUnique(t *testing.T) {
	t.Parallel()
	admin := testenv.Postgres(t)
	db, _ := newDatabase(t, admin, `CREATE TABLE handles (id int PRIMARY KEY, handle text UNIQUE);
		INSERT INTO handles SELECT i, 'handle' || i FROM generate_series(1, 500) i;`)
	// A mask keeping one character forces 500 values into a handful.
	rules := map[string]anonymize.Rule{"handles.handle": {Transformer: "mask", Options: map[string]any{"keep-first": 1}}}
	for _, method := range []string{"rewrite", ""} {
		if _, err := anonymize.Run(t.Context(), db, anonymize.Options{Rules: rules, Method: method}); err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		if n := scalar[int64](t, db, "SELECT count(DISTINCT handle) FROM handles"); n != 500 {
			t.Errorf("%s: %d distinct handles after forced collisions, want 500", method, n)
		}
	}
}

func TestFailedTableIsLeftWhole(t *testing.T) {
	t.Parallel()
	admin := testenv.Postgres(t)
	db, _ := newDatabase(t, admin, `CREATE TABLE a_people (id int PRIMARY KEY, email text);
		INSERT INTO a_people SELECT i, 'p' || i || '@corp.example' FROM generate_series(1, 100) i;
		CREATE TABLE b_scores (id int PRIMARY KEY, score text);
		INSERT INTO b_scores SELECT i, i::text FROM generate_series(1, 100) i;
		INSERT INTO b_scores VALUES (101, 'secret-not-a-number');`)
	before := digest(t, db, "b_scores")
	rules := map[string]anonymize.Rule{"a_people.email": {Transformer: "email"}, "b_scores.score": {Transformer: "noise"}}
	_, err := anonymize.Run(t.Context(), db, anonymize.Options{Rules: rules, Salt: salt})
	if err == nil || !strings.Contains(err.Error(), "b_scores.score: row 101") {
		t.Fatalf("err = %v; want one naming b_scores.score row 101", err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("the error shows the value: %v", err)
	}
	if got := digest(t, db, "b_scores"); got != before {
		t.Error("the failed table was partly rewritten")
	}
	if n := scalar[int64](t, db, "SELECT count(*) FROM a_people WHERE email LIKE '%@corp.example'"); n != 0 {
		t.Errorf("the table before the failure kept %d original emails", n)
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	admin := testenv.Postgres(t)
	db, _ := newDatabase(t, admin, shop)
	before := digest(t, db, "users")
	for _, tc := range []struct {
		name  string
		rules map[string]anonymize.Rule
		salt  []byte
		want  string
	}{
		{"unknown transformer", map[string]anonymize.Rule{"users.email": {Transformer: "scramble"}}, salt, `users.email: unknown transformer "scramble"`},
		{"missing column", map[string]anonymize.Rule{"users.mail": {Transformer: "email"}}, salt, "users.mail: no such column"},
		{"no salt", map[string]anonymize.Rule{"users.email": {Transformer: "email"}}, nil, "users.email: transformer email is keyed by the salt"},
		{"type mismatch", map[string]anonymize.Rule{"users.score": {Transformer: "email"}}, salt, "users.score: its transformer writes text values into a integer column"},
		{"unruled personal columns", map[string]anonymize.Rule{"users.name": {Transformer: "name"}}, salt, "users.email (its name and its values look like email addresses)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := anonymize.Run(t.Context(), db, anonymize.Options{Rules: tc.rules, Salt: tc.salt})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v; want %q", err, tc.want)
			}
		})
	}
	if digest(t, db, "users") != before {
		t.Error("a refused run changed the data")
	}
}

func TestScopedRunAnonymisesCopiedPII(t *testing.T) {
	t.Parallel()
	admin := testenv.Postgres(t)
	db, _ := newDatabase(t, admin, shop+`
		CREATE TABLE contacts (id bigserial PRIMARY KEY, user_id bigint REFERENCES users (id));
		INSERT INTO contacts (user_id) SELECT id FROM users WHERE id <= 100;`)
	if _, err := anonymize.Run(t.Context(), db, anonymize.Options{Rules: shopRules, Salt: salt, Allow: []string{"products.title"}}); err != nil {
		t.Fatal(err)
	}
	untouched := map[string]string{}
	for _, tbl := range []string{"users", "orders", "products"} {
		untouched[tbl] = digest(t, db, tbl)
	}
	// The PR's migration copies the (anonymised golden's) email into a new column.
	migration := `ALTER TABLE contacts ADD COLUMN email_backup text;
		UPDATE contacts c SET email_backup = u.email FROM users u WHERE u.id = c.user_id;`
	if _, err := db.Exec(t.Context(), migration+"UPDATE contacts SET email_backup = 'planted-'||id||'@corp.example';"); err != nil {
		t.Fatal(err)
	}
	scope, err := anonymize.ScopeSQL("004_backup.up.sql", migration)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := anonymize.Run(t.Context(), db, anonymize.Options{Rules: shopRules, Salt: salt, Tables: scope.Tables, Derived: scope.Derived}); err != nil {
		t.Fatal(err)
	}
	if n := scalar[int64](t, db, "SELECT count(*) FROM contacts WHERE email_backup LIKE '%corp.example'"); n != 0 {
		t.Errorf("%d copied emails survive in contacts.email_backup", n)
	}
	for tbl, want := range untouched {
		if got := digest(t, db, tbl); got != want {
			t.Errorf("table %s outside the scope changed", tbl)
		}
	}
}

func TestStatisticsAndViewsHoldNoOriginals(t *testing.T) {
	t.Parallel()
	admin := testenv.Postgres(t)
	db, _ := newDatabase(t, admin, `CREATE TABLE people (id int PRIMARY KEY, email text);
		INSERT INTO people SELECT i, 'person' || (i % 5) || '@corp.example' FROM generate_series(1, 1000) i;
		CREATE MATERIALIZED VIEW people_emails AS SELECT DISTINCT email FROM people;
		ANALYZE people;`)
	rules := map[string]anonymize.Rule{"people.email": {Transformer: "email"}}
	if _, err := anonymize.Run(t.Context(), db, anonymize.Options{Rules: rules, Salt: salt, Allow: []string{"people_emails.email"}}); err != nil {
		t.Fatal(err)
	}
	for name, sql := range map[string]string{
		"pg_stats":          "SELECT count(*) FROM pg_stats WHERE tablename = 'people' AND most_common_vals::text LIKE '%corp.example%'",
		"materialized view": "SELECT count(*) FROM people_emails WHERE email LIKE '%corp.example'",
	} {
		if n := scalar[int64](t, db, sql); n != 0 {
			t.Errorf("%s still holds %d original values", name, n)
		}
	}
}

func TestDetectionLooksInsideDocuments(t *testing.T) {
	t.Parallel()
	admin := testenv.Postgres(t)
	db, _ := newDatabase(t, admin, `CREATE TABLE events (id int PRIMARY KEY, payload jsonb, contacts text[], emails text);
		INSERT INTO events SELECT i, jsonb_build_object('who', 'p' || i || '@corp.example'), ARRAY['+44 20 7946 ' || lpad(i::text, 4, '0')], NULL FROM generate_series(1, 20) i;`)
	_, err := anonymize.Run(t.Context(), db, anonymize.Options{Rules: map[string]anonymize.Rule{}})
	for _, want := range []string{"events.payload (its values look like email addresses)", "events.contacts (its values look like phone numbers)", "events.emails (its name)"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v; want it to name %s", err, want)
		}
	}
}
