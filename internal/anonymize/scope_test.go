package anonymize

import (
	"slices"
	"strings"
	"testing"
)

func TestScopeOfRealMigrations(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		sql        string
		tables     []string
		derived    map[string]string
		everything bool
	}{
		{"create", `CREATE TABLE contacts (id bigserial PRIMARY KEY, user_id bigint REFERENCES users (id));`, []string{"public.contacts"}, nil, false},
		{"alter add column", `ALTER TABLE users ADD COLUMN nickname text;`, []string{"public.users"}, nil, false},
		{"rename table", `CREATE TABLE people (id int); ALTER TABLE people RENAME TO persons;`, []string{"public.persons"}, nil, false},
		{"rename column", `ALTER TABLE users RENAME COLUMN email TO mail;`, []string{"public.users"}, map[string]string{"users.mail": "users.email"}, false},
		{"insert select copies PII", `ALTER TABLE contacts ADD COLUMN email_backup text;
			INSERT INTO contacts (user_id, email_backup) SELECT u.id, u.email FROM users u;`,
			[]string{"public.contacts"}, map[string]string{"contacts.user_id": "users.id", "contacts.email_backup": "users.email"}, false},
		{"update from", `UPDATE contacts c SET email_backup = u.email FROM users u WHERE u.id = c.user_id;`,
			[]string{"public.contacts"}, map[string]string{"contacts.email_backup": "users.email"}, false},
		{"create table as", `CREATE TABLE audit.user_copy AS SELECT id, email FROM users;`,
			[]string{"audit.user_copy"}, map[string]string{"audit.user_copy.id": "users.id", "audit.user_copy.email": "users.email"}, false},
		{"quoted identifiers and schemas", `CREATE TABLE "Billing"."Invoice Lines" ("Amount" numeric); INSERT INTO "Billing"."Invoice Lines" VALUES (1);`,
			[]string{"Billing.Invoice Lines"}, nil, false},
		{"DO block", `DO $$ BEGIN EXECUTE 'UPDATE users SET email = lower(email)'; END $$;`, nil, nil, true},
		{"temporary table ignored", `CREATE TEMP TABLE scratch (id int);`, nil, nil, false},
		{"writing CTE", `WITH moved AS (INSERT INTO archive SELECT * FROM users RETURNING id) SELECT count(*) FROM moved;`, nil, nil, true},
		{"function call", `SELECT backfill_emails();`, nil, nil, true},
		{"harmless setval", `SELECT setval('users_id_seq', 100);`, nil, nil, false},
		{"set schema", `CREATE TABLE people (id int); ALTER TABLE people SET SCHEMA crm;`, []string{"crm.people"}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ScopeSQL("001_test.up.sql", tc.sql)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Tables, tc.tables) || got.Everything != tc.everything {
				t.Errorf("tables = %q, everything = %v; want %q, %v", got.Tables, got.Everything, tc.tables, tc.everything)
			}
			for k, v := range tc.derived {
				if got.Derived[k] != v {
					t.Errorf("derived[%s] = %q, want %q (all: %v)", k, got.Derived[k], v, got.Derived)
				}
			}
			if tc.everything && len(got.Warnings) == 0 {
				t.Error("a DO block gave no warning")
			}
		})
	}
}

func TestScopeNamesTheBrokenLine(t *testing.T) {
	t.Parallel()
	_, err := ScopeSQL("003_oops.up.sql", "CREATE TABLE a (id int);\n\nALTER TABLE a ADD COLUMN;\n")
	if err == nil || !strings.HasPrefix(err.Error(), "003_oops.up.sql:3:") {
		t.Errorf("err = %v; want it to name 003_oops.up.sql line 3", err)
	}
}
