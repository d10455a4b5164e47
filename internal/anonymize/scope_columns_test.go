package anonymize

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestScopeColumnsWritten checks, statement kind by statement kind, which
// columns a migration writes values into, and that whatever the scope
// cannot attribute fails closed with a warning.
func TestScopeColumnsWritten(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		sql        string
		writes     map[string][]string
		derived    map[string]string
		everything bool
		warning    string
	}{
		{"add empty column", `ALTER TABLE users ADD COLUMN nick text;`, nil, nil, false, ""},
		{"add column with a constant default", `ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;`, nil, nil, false, ""},
		{"index and constraint", `CREATE INDEX users_name_idx ON users (name);
			ALTER TABLE users ADD CONSTRAINT users_email_chk CHECK (email <> '');
			CREATE UNIQUE INDEX CONCURRENTLY users_phone_key ON users (phone);`, nil, nil, false, ""},
		{"renames", `ALTER TABLE users RENAME COLUMN phone TO mobile; ALTER TABLE orders RENAME TO purchases;`,
			nil, map[string]string{"users.mobile": "users.phone"}, false, ""},
		{"generated column and expression index", `ALTER TABLE users ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(name, ''))) STORED;
			CREATE INDEX users_email_lower ON users (pg_catalog.lower(email));`, nil, nil, false, ""},
		{"drop, comment, grant, delete", `ALTER TABLE users DROP COLUMN legacy; COMMENT ON TABLE users IS 'people';
			GRANT SELECT ON users TO reporting; DELETE FROM users WHERE id < 0; TRUNCATE audit;`, nil, nil, false, ""},
		{"backfill from a ruled column", `ALTER TABLE users ADD COLUMN nick text; UPDATE users SET nick = email;`,
			map[string][]string{"public.users": {"nick"}}, map[string]string{"users.nick": "users.email"}, false, ""},
		{"update with an expression", `UPDATE users SET name = upper(name), score = score + 1 WHERE id > 10;`,
			map[string][]string{"public.users": {"name", "score"}}, nil, false, ""},
		{"update from another table", `UPDATE orders o SET email = u.email FROM users u WHERE u.id = o.user_id;`,
			map[string][]string{"public.orders": {"email"}}, map[string]string{"orders.email": "users.email"}, false, ""},
		{"insert values", `INSERT INTO users (name, email) VALUES ('Real Person', 'real@corp.example');`,
			map[string][]string{"public.users": {"email", "name"}}, nil, false, ""},
		{"insert whole rows", `INSERT INTO users VALUES (1, 'Real Person', 'real@corp.example');`,
			map[string][]string{"public.users": {AllColumns}}, nil, false, ""},
		{"insert select", `INSERT INTO contacts (user_id, email_backup) SELECT u.id, u.email FROM users u;`,
			map[string][]string{"public.contacts": {"email_backup", "user_id"}}, map[string]string{"contacts.email_backup": "users.email"}, false, ""},
		{"upsert", `INSERT INTO users (id, email) VALUES (1, 'a@corp.example') ON CONFLICT (id) DO UPDATE SET phone = '1';`,
			map[string][]string{"public.users": {"email", "id", "phone"}}, nil, false, ""},
		{"create table as", `CREATE TABLE user_copy AS SELECT id, email FROM users;`,
			map[string][]string{"public.user_copy": {AllColumns}}, map[string]string{"user_copy.email": "users.email"}, false, ""},
		{"select into", `SELECT id, name INTO people FROM users;`,
			map[string][]string{"public.people": {AllColumns}}, map[string]string{"people.name": "users.name"}, false, ""},
		{"copy from", `COPY users (name, email) FROM '/tmp/users.csv';`, map[string][]string{"public.users": {"email", "name"}}, nil, false, ""},
		{"type change with USING", `ALTER TABLE users ALTER COLUMN phone TYPE text USING phone::text;`,
			map[string][]string{"public.users": {"phone"}}, nil, false, ""},
		{"write then rename", `UPDATE users SET nick = email; ALTER TABLE users RENAME COLUMN nick TO handle; ALTER TABLE users RENAME TO people;`,
			map[string][]string{"public.people": {"handle"}}, nil, false, ""},
		{"merge", `MERGE INTO users u USING staging s ON u.id = s.id WHEN MATCHED THEN UPDATE SET email = s.email;`,
			map[string][]string{"public.users": {AllColumns}}, nil, false, ""},
		{"DO block", `DO $$ BEGIN UPDATE users SET email = lower(email); END $$;`, nil, nil, true, "a DO block"},
		{"function", `CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';`, nil, nil, true, "a function"},
		{"trigger", `CREATE TRIGGER t AFTER UPDATE ON users FOR EACH ROW EXECUTE FUNCTION copy_user();`, nil, nil, true, "a trigger"},
		{"procedure", `CALL backfill();`, nil, nil, true, "backfill()"},
		{"user function in an update", `UPDATE users SET nick = pick_nick(id);`, nil, nil, true, "pick_nick()"},
		{"writing CTE", `WITH moved AS (INSERT INTO archive SELECT * FROM users RETURNING id) SELECT count(*) FROM moved;`, nil, nil, true, "data-modifying WITH"},
		{"search path to public", `SET search_path TO public; SET lock_timeout = '5s';`, nil, nil, false, ""},
		{"search path elsewhere", `SET search_path = crm, public; UPDATE users SET email = 'x';`, nil, nil, true, "search_path"},
		{"search path reset", `RESET search_path; UPDATE users SET email = 'x';`, nil, nil, true, "search_path"},
		{"search path default", `SET search_path = DEFAULT; UPDATE users SET email = 'x';`, nil, nil, true, "search_path"},
		{"search path through set_config", `SELECT set_config('search_path', 'crm', false); UPDATE users SET email = 'x';`, nil, nil, true, "set_config"},
		{"another role", `SET ROLE crm; UPDATE users SET email = 'x';`, nil, nil, true, "role"},
		{"unknown statement", `CREATE FOREIGN TABLE remote_users (id int) SERVER elsewhere;`, nil, nil, true, "does not analyse"},
		{"dollar quotes and comments", `-- UPDATE users SET email = 'x';
			/* INSERT INTO users VALUES (1); */ COMMENT ON TABLE users IS $c$UPDATE users SET email = 'x'$c$;`, nil, nil, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ScopeSQL("042_pr.up.sql", tc.sql)
			if err != nil {
				t.Fatal(err)
			}
			if got.Everything != tc.everything {
				t.Fatalf("everything = %v, want %v (warnings %q)", got.Everything, tc.everything, got.Warnings)
			}
			if tc.everything {
				if len(got.Warnings) == 0 || !strings.Contains(got.Warnings[0], tc.warning) || !strings.HasPrefix(got.Warnings[0], "042_pr.up.sql:") {
					t.Errorf("warnings = %q, want one naming the file and %q", got.Warnings, tc.warning)
				}
				return
			}
			if len(got.Warnings) > 0 {
				t.Errorf("warnings = %q, want none", got.Warnings)
			}
			if !maps.EqualFunc(got.Writes, tc.writes, slices.Equal) {
				t.Errorf("writes = %v, want %v", got.Writes, tc.writes)
			}
			for k, v := range tc.derived {
				if got.Derived[k] != v {
					t.Errorf("derived[%s] = %q, want %q (all: %v)", k, got.Derived[k], v, got.Derived)
				}
			}
		})
	}
}
