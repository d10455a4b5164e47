package anonymize_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/prenv/prenv/internal/anonymize"
	"github.com/prenv/prenv/internal/testenv"
)

// columnRules are shopRules with a noise column, to see noise met again.
var columnRules = func() map[string]anonymize.Rule {
	r := maps.Clone(shopRules)
	r["orders.total"] = anonymize.Rule{Transformer: "noise", Options: map[string]any{"range": 5}}
	return r
}()

// newGolden is the shop anonymised whole, as a golden is built.
func newGolden(t *testing.T, admin string) *pgx.Conn {
	t.Helper()
	db, _ := newDatabase(t, admin, shop)
	if _, err := anonymize.Run(t.Context(), db, anonymize.Options{Rules: columnRules, Salt: salt, Allow: []string{"products.title"}, Method: "rewrite"}); err != nil {
		t.Fatal(err)
	}
	return db
}

// migrateAndScope applies a PR's migration to db and anonymises what it
// wrote, as a PR's clone is; it returns the run's report by table.
func migrateAndScope(t *testing.T, db *pgx.Conn, migration string, plan bool) map[string]anonymize.TableReport {
	t.Helper()
	return migrateAndScopeWith(t, db, migration, plan, columnRules)
}

// migrateAndScopeWith is migrateAndScope under rules.
func migrateAndScopeWith(t *testing.T, db *pgx.Conn, migration string, plan bool, rules map[string]anonymize.Rule) map[string]anonymize.TableReport {
	t.Helper()
	if _, err := db.Exec(t.Context(), migration); err != nil {
		t.Fatal(err)
	}
	scope, err := anonymize.ScopeSQL("042_pr.up.sql", migration)
	if err != nil || scope.Everything {
		t.Fatalf("scope: %v, everything %v", err, scope.Everything)
	}
	rep, err := anonymize.Run(t.Context(), db, anonymize.Options{Rules: rules, Salt: salt, FromGolden: true, Plan: plan,
		Tables: scope.Tables, Derived: scope.Derived, Columns: scope.Writes})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]anonymize.TableReport{}
	for _, r := range rep.Tables {
		out[r.Table] = r
	}
	return out
}

const usersBefore = "(SELECT id, name, email, phone, signup_ip, score FROM users)"

func TestColumnPassRewritesOnlyTheWrittenColumns(t *testing.T) {
	t.Parallel()
	admin := testenv.Postgres(t)
	t.Run("backfill from a ruled column", func(t *testing.T) {
		t.Parallel()
		db := newGolden(t, admin)
		users, orders := digest(t, db, usersBefore), digest(t, db, "orders")
		rep := migrateAndScope(t, db, `ALTER TABLE users ADD COLUMN nick text; UPDATE users SET nick = email;`, false)
		if len(rep) != 1 || !slices.Equal(rep["users"].Columns, []string{"nick"}) || rep["users"].Method != "columns" {
			t.Fatalf("report = %+v, want a column pass over users.nick alone", rep)
		}
		// The golden's emails are fixed points: every one is checked, none changes.
		if r := rep["users"]; r.Checked != 3000 || r.Rows != 0 {
			t.Errorf("checked %d rows and changed %d, want 3000 and 0", r.Checked, r.Rows)
		}
		if digest(t, db, usersBefore) != users || digest(t, db, "orders") != orders {
			t.Error("a column other than users.nick changed")
		}
		if n := scalar[int64](t, db, `SELECT count(*) FROM users WHERE nick IS DISTINCT FROM email OR nick !~ '^[a-z]+\.[0-9a-f]{10}@example\.com$'`); n != 0 {
			t.Errorf("%d users' nick is not their anonymised email", n)
		}
	})
	t.Run("raw values written by the migration", func(t *testing.T) {
		t.Parallel()
		db := newGolden(t, admin)
		names := digest(t, db, "(SELECT id, name FROM users WHERE id <= 3000)")
		rep := migrateAndScope(t, db, `ALTER TABLE users ADD COLUMN nick text;
			UPDATE users SET nick = email;
			UPDATE users SET nick = 'raw.' || id || '@corp.example' WHERE id <= 10;
			INSERT INTO users (name, email, phone) VALUES ('Zelda Quux', 'zelda.quux@corp.example', '+44 20 7946 9999');`, false)
		// email is UNIQUE, so users is reloaded with the written columns only.
		if got := rep["users"].Columns; !slices.Equal(got, []string{"email", "name", "nick", "phone"}) {
			t.Errorf("rewrote %v, want the columns the migration wrote", got)
		}
		if n := scalar[int64](t, db, `SELECT count(*) FROM users x WHERE x::text ~ 'corp\.example|Zelda|Quux|7946 9999'`); n != 0 {
			t.Errorf("%d users keep a raw value the migration wrote: %s", n, scalar[string](t, db, `SELECT string_agg(x::text, ' // ') FROM users x WHERE x::text ~ 'corp\.example|Zelda|Quux|7946 9999'`))
		}
		if got := digest(t, db, "(SELECT id, name FROM users WHERE id <= 3000)"); got != names {
			t.Error("the golden's names changed: name outputs must be fixed points")
		}
		if n := scalar[int64](t, db, "SELECT count(*) FROM users WHERE id > 10 AND id <= 3000 AND nick IS DISTINCT FROM email"); n != 0 {
			t.Errorf("%d copied emails changed", n)
		}
	})
	t.Run("a column ruled null", func(t *testing.T) {
		t.Parallel()
		db := newGolden(t, admin)
		rules := maps.Clone(columnRules)
		rules["users.secret_note"] = anonymize.Rule{Transformer: "null"}
		rep := migrateAndScopeWith(t, db, `ALTER TABLE users ADD COLUMN secret_note text;
			UPDATE users SET secret_note = 'raw secret ' || id WHERE id <= 5;`, false, rules)
		if r := rep["users"]; r.Method != "columns" || r.Rows != 5 {
			t.Errorf("report = %+v, want a column pass changing the 5 rows written", rep)
		}
		if n := scalar[int64](t, db, `SELECT count(*) FROM users WHERE secret_note IS NOT NULL`); n != 0 {
			t.Errorf("%d users keep the raw secret_note a null rule clears", n)
		}
	})
	t.Run("raw values in plain columns", func(t *testing.T) {
		t.Parallel()
		db := newGolden(t, admin)
		others := digest(t, db, "(SELECT id, name, email, signup_ip, score FROM users)")
		rep := migrateAndScope(t, db, `ALTER TABLE users ADD COLUMN nick text;
			UPDATE users SET nick = email;
			UPDATE users SET nick = 'raw.' || id || '@corp.example', phone = '+44 20 7946 0000' WHERE id <= 10;
			UPDATE users SET phone = '+44 20 7946 0011' WHERE id = 11;`, false)
		if r := rep["users"]; len(rep) != 1 || r.Method != "columns" || !slices.Equal(r.Columns, []string{"nick", "phone"}) || r.Rows != 11 || r.Checked != 3000 {
			t.Fatalf("report = %+v, want a column pass over users.nick and phone changing 11 of 3000 rows", rep)
		}
		if n := scalar[int64](t, db, `SELECT count(*) FROM users x WHERE x::text ~ 'corp\.example|\+44 20 7946'`); n != 0 {
			t.Errorf("%d users keep a raw value the migration wrote", n)
		}
		if n := scalar[int64](t, db, `SELECT count(*) FROM users WHERE id <= 10 AND nick !~ '^[a-z]+\.[0-9a-f]{10}@example\.com$'`); n != 0 {
			t.Errorf("%d raw nicks were not transformed by email's rule", n)
		}
		if n := scalar[int64](t, db, "SELECT count(*) FROM users WHERE id > 10 AND nick IS DISTINCT FROM email"); n != 0 {
			t.Errorf("%d copied emails changed (row 11 had only its phone changed)", n)
		}
		if digest(t, db, "(SELECT id, name, email, signup_ip, score FROM users)") != others {
			t.Error("a column the migration did not write changed")
		}
	})
	t.Run("name and noise met again", func(t *testing.T) {
		t.Parallel()
		db := newGolden(t, admin)
		totals := digest(t, db, "orders")
		rep := migrateAndScope(t, db, `ALTER TABLE users ADD COLUMN nick text; UPDATE users SET nick = name; UPDATE orders SET total = total;`, false)
		for _, tbl := range []string{"users", "orders"} {
			if r := rep[tbl]; r.Method != "columns" || r.Checked == 0 || r.Rows != 0 {
				t.Errorf("%s: %+v, want a column pass that changes no row", tbl, r)
			}
		}
		if digest(t, db, "orders") != totals {
			t.Error("orders.total changed: noise outputs must be fixed points")
		}
	})
	t.Run("raw values in a noise column", func(t *testing.T) {
		t.Parallel()
		db := newGolden(t, admin)
		// Noise marks one value in two: raw values a migration writes
		// would keep about half of them if the mark were trusted there.
		migrateAndScope(t, db, `UPDATE orders SET total = 1000 + id WHERE id <= 200;`, false)
		if n := scalar[int64](t, db, `SELECT count(*) FROM orders WHERE id <= 200 AND total = 1000 + id`); n > 10 {
			t.Errorf("%d of 200 raw totals were kept as they were written, want them noised", n)
		}
	})
	t.Run("no personal data written", func(t *testing.T) {
		t.Parallel()
		db := newGolden(t, admin)
		users, orders := digest(t, db, "(SELECT id, name, email, phone, signup_ip, score, email_lower FROM users)"), digest(t, db, "orders")
		rep := migrateAndScope(t, db, `ALTER TABLE users ADD COLUMN nick text;
			CREATE INDEX users_phone_idx ON users (phone);
			ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > -1000);
			ALTER TABLE users RENAME COLUMN score TO points;`, false)
		if len(rep) != 0 {
			t.Errorf("report = %+v, want no table rewritten", rep)
		}
		if digest(t, db, "(SELECT id, name, email, phone, signup_ip, points, email_lower FROM users)") != users || digest(t, db, "orders") != orders {
			t.Error("a migration that writes no personal data changed rows")
		}
	})
	t.Run("plan", func(t *testing.T) {
		t.Parallel()
		db := newGolden(t, admin)
		rep := migrateAndScope(t, db, `ALTER TABLE users ADD COLUMN nick text; UPDATE users SET nick = email;`, true)
		if r := rep["users"]; len(rep) != 1 || !slices.Equal(r.Columns, []string{"nick"}) || r.Method != "columns" || r.Rows < 1000 || r.Rows > 20000 {
			t.Errorf("plan = %+v, want users.nick by columns, about 3000 rows", rep)
		}
		if n := scalar[int64](t, db, "SELECT count(*) FROM users WHERE nick <> email"); n != 0 {
			t.Errorf("the plan changed %d rows", n)
		}
	})
}

// TestColumnPassFailsClosedOnRowsItCannotName: a write through a view, or
// to a table that others inherit from, reaches rows the scope cannot name,
// so the run stops, naming the fix, rather than leave them raw.
func TestColumnPassFailsClosedOnRowsItCannotName(t *testing.T) {
	t.Parallel()
	admin := testenv.Postgres(t)
	for _, tc := range []struct{ name, setup, migration, want string }{
		{"through a view", `CREATE VIEW people AS SELECT id, email FROM users;`,
			`UPDATE people SET email = 'raw@corp.example' WHERE id = 1;`, `kind "v", not a table`},
		{"to an inherited table", `CREATE TABLE vip_users () INHERITS (users);`,
			`UPDATE users SET email = 'raw.' || id || '@corp.example' WHERE id = 1;`, "inheriting tables"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := newGolden(t, admin)
			if _, err := db.Exec(t.Context(), tc.setup+tc.migration); err != nil {
				t.Fatal(err)
			}
			scope, err := anonymize.ScopeSQL("042_pr.up.sql", tc.migration)
			if err != nil || scope.Everything {
				t.Fatalf("scope: %v, everything %v", err, scope.Everything)
			}
			_, err = anonymize.Run(t.Context(), db, anonymize.Options{Rules: columnRules, Salt: salt, FromGolden: true,
				Tables: scope.Tables, Derived: scope.Derived, Columns: scope.Writes})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "scope: all") {
				t.Errorf("Run = %v, want an error saying %q and naming scope: all", err, tc.want)
			}
		})
	}
}
