package anonymize_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/prenv/prenv/internal/anonymize"
	"github.com/prenv/prenv/internal/testenv"
)

// rich is a schema with everything a rewrite must keep: keys, a foreign
// key pointing at the table and one from it, an index with a comment, a
// view, a trigger, a sequence it owns, grants, a CHECK, a generated column
// and values large enough to live in its TOAST table.
const rich = `
CREATE TABLE teams (id int PRIMARY KEY, title text);
INSERT INTO teams SELECT i, 'Team ' || i FROM generate_series(1, 5) i;
CREATE TABLE users (
	id bigserial PRIMARY KEY,
	team_id int REFERENCES teams (id),
	name text NOT NULL,
	email text NOT NULL UNIQUE,
	phone text,
	bio text,
	score integer CHECK (score >= 0),
	email_lower text GENERATED ALWAYS AS (lower(email)) STORED
);
ALTER TABLE users ALTER COLUMN bio SET STORAGE EXTERNAL;
COMMENT ON CONSTRAINT users_email_key ON users IS 'one account per address';
CREATE INDEX users_name_idx ON users (name, team_id);
COMMENT ON INDEX users_name_idx IS 'search by name';
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), total numeric(10,2));
CREATE VIEW user_names AS SELECT id, name FROM users;
CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'trigger fired'; END $$;
CREATE TRIGGER users_refuse BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION refuse();
GRANT SELECT ON users TO PUBLIC;
INSERT INTO users (team_id, name, email, phone, bio, score)
	SELECT 1 + i % 5, 'Person ' || i, 'person' || i || '@corp.example', '+44 20 7946 ' || lpad(i::text, 4, '0'),
		CASE WHEN i % 10 = 0 THEN (SELECT string_agg(md5(i::text || g::text), '') FROM generate_series(1, 100) g) END, i
	FROM generate_series(1, 2000) i;
INSERT INTO orders (user_id, total) SELECT 1 + i % 2000, i FROM generate_series(1, 3000) i;
`

var richRules = map[string]anonymize.Rule{
	"users.name":  {Transformer: "name"},
	"users.email": {Transformer: "email"},
	"users.phone": {Transformer: "phone"},
}

// richSchema is every schema object of rich that a rewrite must keep.
const richSchema = `SELECT string_agg(d, E'\n' ORDER BY d) FROM (
	SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated AS d FROM pg_constraint
		WHERE connamespace = 'public'::regnamespace
	UNION ALL SELECT indexdef || ' ' || i.indisvalid FROM pg_indexes x JOIN pg_index i ON i.indexrelid = format('%I.%I', x.schemaname, x.indexname)::regclass
		WHERE schemaname = 'public'
	UNION ALL SELECT description FROM pg_description WHERE objoid >= 16384
	UNION ALL SELECT relname || ' ' || replace(coalesce(relacl::text, ''), pg_get_userbyid(relowner), 'owner') FROM pg_class WHERE relnamespace = 'public'::regnamespace
	UNION ALL SELECT 'view ' || pg_get_viewdef('user_names')
	UNION ALL SELECT 'trigger ' || tgname || ' ' || tgenabled::text FROM pg_trigger WHERE NOT tgisinternal
	UNION ALL SELECT 'sequence ' || pg_get_serial_sequence('users', 'id')) s`

func TestSwapAndInPlaceRewritesAgree(t *testing.T) {
	t.Parallel()
	admin := testenv.Postgres(t)
	src, srcURL := newDatabase(t, admin, rich)
	ctx := t.Context()
	wantSchema := scalar[string](t, src, richSchema)
	wantBio := digest(t, src, "(SELECT id, bio FROM users) ")
	wantOrders := digest(t, src, "orders")
	src.Close(ctx)

	super := cloneDatabase(t, admin, srcURL)
	owned := cloneDatabase(t, admin, srcURL)
	owner := asOwner(t, admin, owned)

	byRole := map[string]*pgx.Conn{"superuser": super, "owner": owner}
	reports := map[string]anonymize.Report{}
	for who, conn := range byRole {
		rep, err := anonymize.Run(ctx, conn, anonymize.Options{Rules: richRules, Salt: salt, Allow: []string{"teams.title"}})
		if err != nil {
			t.Fatalf("%s: %v", who, err)
		}
		reports[who] = rep
	}
	if !swapped(reports["superuser"]) {
		t.Errorf("the superuser's run did not swap files: %+v", reports["superuser"])
	}
	if swapped(reports["owner"]) {
		t.Errorf("a run without superuser swapped files: %+v", reports["owner"])
	}
	if a, b := digest(t, super, "users"), digest(t, owned, "users"); a != b {
		t.Error("the swap and the in-place rewrite wrote different users")
	}
	for who, conn := range map[string]*pgx.Conn{"superuser": super, "owner": owned} {
		if got := scalar[string](t, conn, richSchema); got != wantSchema {
			t.Errorf("%s: schema objects changed:\n got %s\nwant %s", who, got, wantSchema)
		}
		if got := digest(t, conn, "(SELECT id, bio FROM users) "); got != wantBio {
			t.Errorf("%s: the values kept in TOAST changed", who)
		}
		if got := digest(t, conn, "orders"); got != wantOrders {
			t.Errorf("%s: the referencing table changed", who)
		}
		if n := scalar[int64](t, conn, "SELECT count(*) FROM users WHERE email LIKE '%corp.example' OR name LIKE 'Person %' OR email_lower LIKE '%corp.example'"); n != 0 {
			t.Errorf("%s: %d rows keep an original value", who, n)
		}
		if n := scalar[int64](t, conn, "SELECT count(*) FROM pg_stats WHERE tablename = 'users' AND most_common_vals::text LIKE '%corp.example%'"); n != 0 {
			t.Errorf("%s: statistics keep original values", who)
		}
	}
	// The swapped table works as before: its TOAST table is named after it,
	// nothing of the load is left, and keys, sequence and trigger still act.
	if got := scalar[string](t, super, "SELECT reltoastrelid::regclass::text FROM pg_class WHERE oid = 'users'::regclass"); got != "pg_toast.pg_toast_"+scalar[string](t, super, "SELECT 'users'::regclass::oid::text") {
		t.Errorf("the TOAST table of users is %s, not named after it", got)
	}
	if n := scalar[int64](t, super, "SELECT count(*) FROM pg_class WHERE relname LIKE 'prenv_rewrite%'"); n != 0 {
		t.Errorf("%d relations of the load are left", n)
	}
	if _, err := super.Exec(ctx, "INSERT INTO users (name, email) VALUES ('New', 'new@example.org')"); err != nil {
		t.Errorf("insert after the swap: %v", err)
	}
	for sql, want := range map[string]string{
		"INSERT INTO orders (user_id) VALUES (-1)":                          "orders_user_id_fkey",
		"INSERT INTO users (name, email) VALUES ('Dup', 'new@example.org')": "users_email_key",
		"UPDATE users SET score = 1 WHERE id = 1":                           "trigger fired",
		"DELETE FROM users WHERE id = 2":                                    "orders_user_id_fkey",
	} {
		if _, err := super.Exec(ctx, sql); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s after the swap: %v; want an error naming %s", sql, err, want)
		}
	}
	for _, sql := range []string{"VACUUM FULL users", "DROP TABLE orders, users CASCADE"} {
		if _, err := super.Exec(ctx, sql); err != nil {
			t.Errorf("%s after the swap: %v", sql, err)
		}
	}
}

func TestSwapFailureLeavesTableWhole(t *testing.T) {
	t.Parallel()
	admin := testenv.Postgres(t)
	for _, tc := range []struct {
		name, ddl, want string
		rules           map[string]anonymize.Rule
	}{
		// Fails while loading: the fake address breaks the CHECK.
		{"check", `CREATE TABLE people (id int PRIMARY KEY, email text CHECK (email LIKE '%@corp.example'), bio text);`,
			"people_email_check", map[string]anonymize.Rule{"people.email": {Transformer: "email"}}},
		// Fails after the swap, rebuilding the indexes: an expression's key
		// collides once masked (only plain unique columns are kept unique).
		{"key", `CREATE TABLE people (id int PRIMARY KEY, email text, bio text);
			CREATE UNIQUE INDEX people_email_lower ON people (lower(email));`,
			"people_email_lower", map[string]anonymize.Rule{"people.email": {Transformer: "mask", Options: map[string]any{"keep-first": 1}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db, _ := newDatabase(t, admin, tc.ddl+`
				INSERT INTO people SELECT i, 'p' || i || '@corp.example', (SELECT string_agg(md5(i::text || g::text), '') FROM generate_series(1, 100) g)
				FROM generate_series(1, 300) i;`)
			before := digest(t, db, "people")
			rels := scalar[string](t, db, "SELECT string_agg(relname || relfilenode, ' ' ORDER BY relname) FROM pg_class")
			_, err := anonymize.Run(t.Context(), db, anonymize.Options{Rules: tc.rules, Salt: salt})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v; want one naming %s", err, tc.want)
			}
			if got := digest(t, db, "people"); got != before {
				t.Error("the failed table was partly rewritten")
			}
			if got := scalar[string](t, db, "SELECT string_agg(relname || relfilenode, ' ' ORDER BY relname) FROM pg_class"); got != rels {
				t.Errorf("the catalog changed:\n got %s\nwant %s", got, rels)
			}
			if _, err := db.Exec(t.Context(), "UPDATE people SET bio = bio || 'x' WHERE id = 1"); err != nil {
				t.Errorf("the table does not take writes after the failure: %v", err)
			}
		})
	}
}

// asOwner makes a role without superuser that owns the database conn is
// connected to and its tables, and may set session_replication_role as
// rds_superuser may, and connects as it.
func asOwner(t *testing.T, adminURL string, conn *pgx.Conn) *pgx.Conn {
	t.Helper()
	ctx := t.Context()
	db := conn.Config().Database
	role := db + "_owner"
	for _, sql := range []string{
		"CREATE ROLE " + role + " LOGIN PASSWORD 'owner-pw'",
		"GRANT SET ON PARAMETER session_replication_role TO " + role,
		"ALTER DATABASE " + db + " OWNER TO " + role,
		`DO $$ DECLARE r record; BEGIN
			FOR r IN SELECT oid::regclass AS rel FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'v') LOOP
				EXECUTE format('ALTER TABLE %s OWNER TO ` + role + `', r.rel);
			END LOOP; END $$`,
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	u, _ := url.Parse(adminURL)
	u.User = url.UserPassword(role, "owner-pw")
	u.Path = "/" + db
	return connect(t, u.String())
}

// swapped is whether every rewritten table of rep had its files swapped.
func swapped(rep anonymize.Report) bool {
	for _, tr := range rep.Tables {
		if !slices.ContainsFunc(tr.Phases, func(p anonymize.Phase) bool { return p.Name == "swap files" }) {
			return false
		}
	}
	return len(rep.Tables) > 0
}

func TestForeignKeyOntoRuledColumnIsCheckedAgain(t *testing.T) {
	t.Parallel()
	admin := testenv.Postgres(t)
	// a_invites is rewritten first, so the key it references can be
	// checked against its anonymised values.
	db, _ := newDatabase(t, admin, `CREATE TABLE b_accounts (id int PRIMARY KEY, email text UNIQUE);
		CREATE TABLE a_invites (id int PRIMARY KEY, email text REFERENCES b_accounts (email));
		INSERT INTO b_accounts SELECT i, 'a' || i || '@corp.example' FROM generate_series(1, 200) i;
		INSERT INTO a_invites SELECT i, 'a' || i || '@corp.example' FROM generate_series(1, 100) i;`)
	rules := map[string]anonymize.Rule{"b_accounts.email": {Transformer: "email"}, "a_invites.email": {Transformer: "email"}}
	rep, err := anonymize.Run(t.Context(), db, anonymize.Options{Rules: rules, Salt: salt, Method: "rewrite"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range rep.Tables {
		one := anonymize.Report{Tables: []anonymize.TableReport{tr}}
		if want := tr.Table == "a_invites"; swapped(one) != want {
			t.Errorf("%s: swapped %v, want %v (a foreign key references b_accounts.email)", tr.Table, swapped(one), want)
		}
	}
	if n := scalar[int64](t, db, "SELECT count(*) FROM a_invites i JOIN b_accounts a USING (email) WHERE a.email NOT LIKE '%corp.example'"); n != 100 {
		t.Errorf("%d a_invites match an anonymised account, want 100", n)
	}
	if !scalar[bool](t, db, "SELECT convalidated FROM pg_constraint WHERE conname = 'a_invites_email_fkey'") {
		t.Error("the foreign key was not added back validated")
	}
}

func TestSwapOfTableWithoutToast(t *testing.T) {
	t.Parallel()
	admin := testenv.Postgres(t)
	db, _ := newDatabase(t, admin, `CREATE TABLE readings (id int PRIMARY KEY, amount int NOT NULL, at date);
		INSERT INTO readings SELECT i, i * 1000, date '2026-01-01' + i FROM generate_series(1, 500) i;`)
	if scalar[int64](t, db, "SELECT reltoastrelid::int8 FROM pg_class WHERE relname = 'readings'") != 0 {
		t.Fatal("readings has a TOAST table; the test needs one without")
	}
	before := digest(t, db, "readings")
	rules := map[string]anonymize.Rule{"readings.amount": {Transformer: "noise"}}
	rep, err := anonymize.Run(t.Context(), db, anonymize.Options{Rules: rules, Salt: salt, Method: "rewrite"})
	if err != nil {
		t.Fatal(err)
	}
	if !swapped(rep) {
		t.Errorf("readings was not swapped: %+v", rep)
	}
	if digest(t, db, "readings") == before {
		t.Error("the noise changed nothing")
	}
	if n := scalar[int64](t, db, "SELECT count(*) FROM readings r WHERE r.at = date '2026-01-01' + r.id"); n != 500 {
		t.Errorf("%d of 500 rows kept their unruled date", n)
	}
	if _, err := db.Exec(t.Context(), "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	if n := scalar[int64](t, db, "SELECT count(*) FROM readings WHERE id = 250"); n != 1 {
		t.Errorf("an index lookup finds %d rows for one key", n)
	}
}
