package local_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

// TestLocalSelfContainedEnvironment brings up a sandbox-mode PR that
// changed one service on a PostgreSQL where no baseline ever ran, as in a
// CI job whose database is a fresh services container: it runs every
// service itself and builds its database from the golden's source,
// anonymised, without making a golden.
func TestLocalSelfContainedEnvironment(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	source, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "examples", "app", "db", "golden.sql"))
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join(t.TempDir(), "golden.sql")
	planted := "\nINSERT INTO users (id, name, email, phone, address) VALUES (9999, 'Zelda Quux', 'zelda.quux@hidden.example', '+1-202-555-0199', '42 Hidden Lane, Nowhere');\n"
	if err := os.WriteFile(golden, append(source, planted...), 0o644); err != nil {
		t.Fatal(err)
	}
	w.target.Golden = golden
	w.bp.Routing.Mode = "sandbox"
	w.target.Changed = []string{"examples/app/orders/main.go"}
	env := w.env("pr-5")
	env.SelfContained = true
	t.Cleanup(func() { w.destroy("pr-5") })
	res, err := w.engine.Up(t.Context(), env)
	if err != nil {
		t.Fatalf("up of a self-contained pr-5 with no baseline: %v", err)
	}
	if res.Changes["create"] != 7 { // provider, database, web, orders, users, the payments stub, route
		t.Errorf("up created %v, want the database and every service", res.Changes)
	}
	code, body := w.get("pr-5.localhost", "/")
	for _, line := range []string{"web v1 (pr-5)", "orders v1 (pr-5): 120 orders", "users v1 (pr-5): 51 users"} {
		if code != 200 || !strings.Contains(body, line) {
			t.Errorf("GET pr-5.localhost = %d %q, want a line %q", code, body, line)
		}
	}
	if w.query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'prenv_shop_golden')") {
		t.Error("a self-contained environment made the project's golden, which is the baseline's")
	}
	if !w.query("SELECT pg_get_userbyid(datdba) = 'prenv_shop_pr_5' FROM pg_database WHERE datname = 'prenv_shop_pr_5'") {
		t.Error("pr-5's database is not owned by its role")
	}
	if n := w.countWhere("prenv_shop_pr_5", "SELECT count(*) FROM users WHERE pg_get_userbyid((SELECT relowner FROM pg_class WHERE relname = 'users')) = 'prenv_shop_pr_5'"); n != 51 {
		t.Errorf("pr-5's role owns a users table of %d rows, want the 51 of the source", n)
	}
	for _, needle := range []string{"hidden.example", "Zelda", "Quux", "202-555-0199", "Hidden Lane"} {
		if n := w.countEverywhere("prenv_shop_pr_5", needle); n > 0 {
			t.Errorf("%d rows of pr-5's database hold the planted %q: it was not anonymised", n, needle)
		}
	}

	w.destroy("pr-5")
	if w.query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'prenv_shop_pr_5') OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'prenv_shop_pr_5')") {
		t.Error("pr-5's database or role is left after the destroy")
	}
	if left := w.processes("prenv_shop_pr_5"); len(left) != 0 {
		t.Errorf("processes left after the destroy: %v", left)
	}
}
