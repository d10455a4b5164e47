package local_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/automation"
	pulumiengine "github.com/prenv/prenv/automation/pulumi"
	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/internal/router"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/local"
)

// world is one machine's worth of the local target for a test: its own
// PostgreSQL, router, state backend and logs.
type world struct {
	t        *testing.T
	bp       *stacks.Blueprint
	target   local.Target
	engine   *pulumiengine.Engine
	adminURL string
	router   string // 127.0.0.1:<port>
}

func newWorld(t *testing.T) *world {
	t.Helper()
	return newWorldOn(t, stacks.CloneTemplate)
}

// newWorldOn is newWorld whose databases are cloned by method: template
// clones in a test PostgreSQL, or thin clones on a copy-on-write
// filesystem, each with a PostgreSQL of its own.
func newWorldOn(t *testing.T, method stacks.Clone) *world {
	t.Helper()
	w := &world{t: t}
	home := t.TempDir()
	var thinDir string
	if method == stacks.CloneThin {
		testenv.PostgresBinaries(t)
		thinDir = filepath.Join(testenv.ReflinkDir(t), "thin")
	} else {
		w.adminURL = testenv.Postgres(t)
	}
	rt := router.New(router.Options{RoutesDir: filepath.Join(home, "routes")})
	ctx, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	go rt.Watch(ctx, 20*time.Millisecond)
	srv := httptest.NewServer(rt)
	t.Cleanup(srv.Close)
	w.router = strings.TrimPrefix(srv.URL, "http://")
	_, port, _ := net.SplitHostPort(w.router)
	var routerPort int
	fmt.Sscan(port, &routerPort)

	bp, err := stacks.Load(filepath.Join(testenv.RepoRoot(t), "examples", "app", "prenv.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	bp.Routing.Mode = "isolated" // TestLocalSandbox switches it back
	w.bp = bp
	w.target = local.Target{AdminURL: w.adminURL, RoutesDir: filepath.Join(home, "routes"), LogsDir: filepath.Join(home, "envs"), RouterPort: routerPort, Salt: "e2e-salt",
		Binary: testenv.Prenv(t), // it serves the payments stub
		Clone:  local.CloneChoice{Method: method, Reason: "the test's"}, ThinDir: thinDir, Thin: bp.Database.Thin}
	w.engine, err = pulumiengine.New(t.Context(), pulumiengine.Config{
		Project:    bp.Project,
		BackendURL: testenv.Backend(t),
		Binary:     testenv.Pulumi(t),
		Passphrase: "e2e",
		PluginDirs: map[string]string{local.ProviderName: filepath.Dir(testenv.Prenv(t))},
		Program: func(env stacks.Env) (pulumi.RunFunc, error) {
			return w.target.Program(bp, env), nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) env(name string) stacks.Env {
	w.t.Helper()
	e, err := stacks.NewEnv(w.bp, stacks.EnvOptions{Name: name})
	if err != nil {
		w.t.Fatal(err)
	}
	return e
}

func (w *world) up(name string) automation.Result {
	w.t.Helper()
	var progress bytes.Buffer
	res, err := w.engine.Up(w.t.Context(), w.env(name), automation.Progress(&progress))
	if err != nil {
		w.t.Fatalf("up %s: %v\n%s", name, err, progress.String())
	}
	return res
}

// upForTheTest brings each environment up, in order, and destroys it when
// the test ends.
func (w *world) upForTheTest(names ...string) {
	w.t.Helper()
	for _, name := range names {
		w.up(name)
		w.t.Cleanup(func() { w.destroy(name) })
	}
}

func (w *world) destroy(name string) {
	w.t.Helper()
	// Not t.Context: destroy also runs in cleanups, after it is cancelled.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := w.engine.Destroy(ctx, w.env(name), automation.Remove()); err != nil {
		w.t.Fatalf("destroy %s: %v", name, err)
	}
}

// get fetches path from host through the router.
func (w *world) get(host, path string) (int, string) {
	w.t.Helper()
	req, _ := http.NewRequestWithContext(w.t.Context(), http.MethodGet, "http://"+w.router+path, nil)
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// processes returns the pids of services running against database db of
// this world's cluster.
func (w *world) processes(db string) []int {
	return testenv.ProcessesWithEnv(testenv.DatabaseNeedle(w.serverURL(db), db))
}

// serverURL is the superuser URL of the server that holds database db:
// the test PostgreSQL, or under thin clones db's own.
func (w *world) serverURL(db string) string {
	w.t.Helper()
	if w.target.Clone.Method != stacks.CloneThin {
		return w.adminURL
	}
	env := strings.ReplaceAll(strings.TrimPrefix(db, "prenv_"+w.bp.Project+"_"), "_", "-")
	return w.thinAdminURL(filepath.Join(w.target.ThinDir, w.bp.Project, env))
}

// thinAdminURL is the superuser URL of the thin cluster in dir, from its
// admin password and the port it listens on.
func (w *world) thinAdminURL(dir string) string {
	w.t.Helper()
	password, err := os.ReadFile(filepath.Join(dir, "admin-password"))
	if err != nil {
		w.t.Fatalf("no thin cluster in %s: %v", dir, err)
	}
	st, err := (&pg.Cluster{Dir: dir}).Status()
	if err != nil || !st.Running {
		w.t.Fatalf("the thin cluster in %s is not running (%v)", dir, err)
	}
	u := url.URL{Scheme: "postgres", User: url.UserPassword(pg.AdminUser, strings.TrimSpace(string(password))),
		Host: fmt.Sprintf("127.0.0.1:%d", st.Port), Path: "/postgres", RawQuery: "sslmode=disable"}
	return u.String()
}

func (w *world) query(sql string, args ...any) bool {
	w.t.Helper()
	conn, err := pgx.Connect(w.t.Context(), w.adminURL)
	if err != nil {
		w.t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var ok bool
	if err := conn.QueryRow(w.t.Context(), sql, args...).Scan(&ok); err != nil {
		w.t.Fatal(err)
	}
	return ok
}

func TestLocalLifecycle(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.up("baseline")
	res := w.up("pr-1")
	if got, want := res.Outputs["url"].Value, w.target.URL("pr-1", ""); got != want {
		t.Errorf("url output = %v, want %v", got, want)
	}
	if !res.Outputs["databaseUrl"].Secret {
		t.Error("databaseUrl output is not secret")
	}

	code, body := w.get("pr-1.localhost", "/")
	if code != 200 || !strings.Contains(body, "web v1 (pr-1)") || !strings.Contains(body, "orders v1 (pr-1): 120 orders, payments ok (stub)") || !strings.Contains(body, "users v1 (pr-1): 50 users") {
		t.Errorf("GET pr-1.localhost: %d %q", code, body)
	}
	// The payments stub counts what none of its mappings matched.
	if code, body := w.get("payments.pr-1.localhost", "/payments/refunds"); code != 404 || !strings.Contains(body, "Closest stub: payments status (status.json)") {
		t.Errorf("GET payments.pr-1.localhost/payments/refunds: %d %q, want 404 naming the closest mapping", code, body)
	}
	if counts, err := w.target.UnmatchedStubRequests(t.Context(), w.bp, w.env("pr-1")); err != nil || counts["payments"] != 1 || len(counts) != 1 {
		t.Errorf("unmatched stub requests of pr-1 = %v, %v; want payments: 1", counts, err)
	}
	if code, body := w.get("users.baseline.localhost", "/users/count"); code != 200 || !strings.Contains(body, "(baseline): 50 users") {
		t.Errorf("GET users.baseline.localhost: %d %q", code, body)
	}

	if again := w.up("pr-1"); again.Changed() {
		t.Errorf("second up of pr-1 changed %v", again.Changes)
	}

	// Each service is sh -c, go run and the service itself.
	if pids := w.processes("prenv_shop_pr_1"); len(pids) < 3 {
		t.Fatalf("pr-1 runs %d service processes, want at least 3", len(pids))
	}
	w.destroy("pr-1")
	if left := w.processes("prenv_shop_pr_1"); len(left) != 0 {
		t.Errorf("processes left after destroy: %v", left)
	}
	if w.query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", "prenv_shop_pr_1") {
		t.Error("database prenv_shop_pr_1 left after destroy")
	}
	if w.query("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", "prenv_shop_pr_1") {
		t.Error("role prenv_shop_pr_1 left after destroy")
	}
	if _, err := os.Stat(filepath.Join(w.target.RoutesDir, "pr-1.json")); !os.IsNotExist(err) {
		t.Errorf("route file left after destroy: %v", err)
	}
	if _, err := os.Stat(filepath.Join(w.target.LogsDir, "pr-1")); !os.IsNotExist(err) {
		t.Errorf("log directory left after destroy: %v", err)
	}
	if code, _ := w.get("pr-1.localhost", "/"); code != 404 {
		t.Errorf("GET pr-1.localhost after destroy: %d, want 404", code)
	}
	w.destroy("baseline")
	if left := w.processes("prenv_shop_baseline"); len(left) != 0 {
		t.Errorf("baseline processes left after destroy: %v", left)
	}
}

func TestLocalDriftIsRefreshed(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.upForTheTest("baseline")
	// The users service dies behind prenv's back, with its whole group.
	killed := 0
	for _, pid := range w.processes("prenv_shop_baseline") {
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if bytes.Contains(cmdline, []byte("./users")) {
			pgid, _ := syscall.Getpgid(pid)
			syscall.Kill(-pgid, syscall.SIGKILL)
			killed++
		}
	}
	if killed == 0 {
		t.Fatal("found no users service to kill")
	}
	time.Sleep(200 * time.Millisecond)
	res, err := w.engine.Refresh(t.Context(), w.env("baseline"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Changes["delete"] != 1 {
		t.Errorf("refresh after a killed service = %v, want it to notice one gone", res.Changes)
	}
	again := w.up("baseline")
	if again.Changes["create"] != 1 {
		t.Errorf("up after refresh = %v, want one service recreated", again.Changes)
	}
	if code, body := w.get("baseline.localhost", "/"); code != 200 || !strings.Contains(body, "50 users") {
		t.Errorf("GET baseline.localhost after recovery: %d %q", code, body)
	}
}

func TestLocalEnvironmentsAreIsolated(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.up("baseline")
	w.up("pr-1")
	// pr-2's branch adds migration 3; the golden is at 2.
	migrations := t.TempDir()
	for _, name := range []string{"001_create_users.up.sql", "002_create_orders.up.sql"} {
		data, err := os.ReadFile(filepath.Join(w.bp.Resolve(w.bp.Database.Migrations), name))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(migrations, name), data, 0o644)
	}
	os.WriteFile(filepath.Join(migrations, "003_loyalty.up.sql"), []byte("ALTER TABLE users ADD COLUMN loyalty int NOT NULL DEFAULT 0;"), 0o644)
	w.bp.Database.Migrations = migrations
	w.target.MigrationsRevision = "with-003"
	w.up("pr-2")
	t.Cleanup(func() {
		w.destroy("pr-1")
		w.destroy("pr-2")
		w.destroy("baseline")
	})
	res, err := w.engine.Outputs(t.Context(), w.env("pr-1"))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(t.Context(), res["databaseUrl"].Value.(string))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(t.Context(), "INSERT INTO users (name, email) VALUES ('Only In PR 1', 'pr1@example.com')"); err != nil {
		t.Fatal(err)
	}
	if _, body := w.get("users.pr-1.localhost", "/users/count"); !strings.Contains(body, "51 users") {
		t.Errorf("pr-1 does not see its own write: %q", body)
	}
	if _, body := w.get("users.pr-2.localhost", "/users/count"); !strings.Contains(body, "50 users") {
		t.Errorf("pr-2 sees pr-1's write: %q", body)
	}
	hasLoyalty := "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'loyalty')"
	for env, want := range map[string]bool{"pr-1": false, "pr-2": true} {
		outs, err := w.engine.Outputs(t.Context(), w.env(env))
		if err != nil {
			t.Fatal(err)
		}
		c, err := pgx.Connect(t.Context(), outs["databaseUrl"].Value.(string))
		if err != nil {
			t.Fatal(err)
		}
		var got bool
		err = c.QueryRow(t.Context(), hasLoyalty).Scan(&got)
		c.Close(context.Background())
		if err != nil || got != want {
			t.Errorf("%s has migration 3's column: %v (%v), want %v", env, got, err, want)
		}
	}
}

func TestLocalSandbox(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.bp.Routing.Mode = "sandbox"
	w.up("baseline")
	t.Cleanup(func() {
		w.destroy("pr-3")
		w.destroy("baseline")
	})
	w.target.Changed = []string{"examples/app/orders/main.go"}
	res := w.up("pr-3")
	if res.Changes["create"] != 4 { // provider, database, orders, route
		t.Errorf("sandbox up created %v, want only orders among the services", res.Changes)
	}
	code, body := w.get("pr-3.localhost", "/")
	want := []string{"web v1 (baseline)", "orders v1 (pr-3)", "users v1 (baseline)"}
	for _, line := range want {
		if code != 200 || !strings.Contains(body, line) {
			t.Errorf("GET pr-3.localhost = %d %q, want a line %q", code, body, line)
		}
	}
	if _, body := w.get("orders.baseline.localhost", "/orders/summary"); !strings.Contains(body, "orders v1 (baseline)") {
		t.Errorf("baseline's orders without a routing key: %q", body)
	}
}

func TestLocalUpRestartsOnlyTheChangedService(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.target.Revisions = map[string]string{"web": "r1", "orders": "r1", "users": "r1"}
	w.upForTheTest("baseline")
	before := w.processes("prenv_shop_baseline")
	web := 0
	for _, pid := range before {
		if cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); bytes.Contains(cmdline, []byte("web")) { // sh -c, go run, and the binary
			web++
		}
	}
	w.target.Revisions = map[string]string{"web": "r2", "orders": "r1", "users": "r1"}
	res := w.up("baseline")
	if res.Changes["update"] != 2 { // web, and the route to its new port
		t.Errorf("up with web's source changed = %v, want two updates: web and its route", res.Changes)
	}
	after := w.processes("prenv_shop_baseline")
	kept := 0
	for _, pid := range before {
		if slices.Contains(after, pid) {
			kept++
		}
	}
	// web's processes were replaced; orders' and users' kept running.
	if web == 0 || kept != len(before)-web {
		t.Errorf("%d of %d processes kept across the up, want all but web's %d", kept, len(before), web)
	}
	if code, body := w.get("baseline.localhost", "/"); code != 200 || !strings.Contains(body, "50 users") {
		t.Errorf("GET after the restart: %d %q", code, body)
	}
}

func TestLocalServiceThatExitsAtStart(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.up("baseline")
	t.Cleanup(func() {
		w.destroy("pr-4")
		w.destroy("baseline")
	})
	w.bp.Services = append(w.bp.Services, stacks.Service{Name: "broken", Run: "echo 'cannot reach the payment gateway' >&2; exit 3", Health: "/healthz"})
	_, err := w.engine.Up(t.Context(), w.env("pr-4"))
	if err == nil {
		t.Fatal("up with a service that exits at start succeeded")
	}
	for _, want := range []string{"service broken of pr-4 exited before it was healthy", "cannot reach the payment gateway"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("up error does not contain %q:\n%v", want, err)
		}
	}
}
