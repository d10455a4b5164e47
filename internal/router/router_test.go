package router

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// backend is a real HTTP server that answers with its name and the routing
// key it received.
func backend(t *testing.T, name string) string {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s key=%s", name, r.Header.Get("x-prenv-route"))
	}))
	t.Cleanup(s.Close)
	return s.URL
}

func newTestRouter(t *testing.T, routes ...Route) (*Router, string) {
	t.Helper()
	dir := t.TempDir()
	for _, r := range routes {
		if err := Save(dir, r); err != nil {
			t.Fatal(err)
		}
	}
	rt := New(Options{RoutesDir: dir})
	rt.Reload()
	return rt, dir
}

func get(t *testing.T, h http.Handler, host string, header ...string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "http://"+host+"/", nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(body)
}

func TestRouting(t *testing.T) {
	t.Parallel()
	baseline := Route{Env: Baseline, Entry: "web", Services: map[string]Service{
		"web": {URL: backend(t, "baseline-web")}, "orders": {URL: backend(t, "baseline-orders")}, "users": {URL: backend(t, "baseline-users")},
	}}
	sandbox := Route{Env: "pr-1", Entry: "web", Services: map[string]Service{"orders": {URL: backend(t, "pr1-orders")}}}
	isolated := Route{Env: "pr-2", Entry: "web", Services: map[string]Service{
		"web": {URL: backend(t, "pr2-web")}, "orders": {URL: backend(t, "pr2-orders")}, "users": {URL: backend(t, "pr2-users")},
	}}
	rt, _ := newTestRouter(t, baseline, sandbox, isolated)

	tests := []struct {
		name     string
		host     string
		header   []string
		wantCode int
		wantBody string
	}{
		{"baseline entry", "baseline.localhost:7070", nil, 200, "baseline-web key="},
		{"isolated entry gets its key", "pr-2.localhost:7070", nil, 200, "pr2-web key=pr-2"},
		{"isolated service", "users.pr-2.localhost", nil, 200, "pr2-users key=pr-2"},
		{"sandbox entry falls back to baseline, keyed", "pr-1.localhost", nil, 200, "baseline-web key=pr-1"},
		{"sandbox runs orders", "orders.pr-1.localhost", nil, 200, "pr1-orders key=pr-1"},
		{"key header picks the sandboxed service", "orders.baseline.localhost", []string{"x-prenv-route", "pr-1"}, 200, "pr1-orders key=pr-1"},
		{"key for a service it does not run", "users.baseline.localhost", []string{"x-prenv-route", "pr-1"}, 200, "baseline-users key=pr-1"},
		{"baggage carries the key", "orders.baseline.localhost", []string{"baggage", "user=1,prenv-route=pr-1;p=1"}, 200, "pr1-orders"},
		{"unknown service", "cart.pr-2.localhost", nil, 404, `no service "cart"`},
		{"unknown environment", "pr-9.localhost", nil, 404, "pr-9 does not exist"},
		{"foreign host", "example.com", nil, 404, "not an environment's host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := get(t, rt, tt.host, tt.header...)
			if code != tt.wantCode || !strings.Contains(body, tt.wantBody) {
				t.Errorf("GET %s: %d %q, want %d containing %q", tt.host, code, body, tt.wantCode, tt.wantBody)
			}
		})
	}
}

func TestPathForm(t *testing.T) {
	t.Parallel()
	var gotPath string
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { gotPath = r.URL.Path }))
	t.Cleanup(s.Close)
	rt, _ := newTestRouter(t, Route{Env: "pr-5", Entry: "web", Services: map[string]Service{"orders": {URL: s.URL}}})
	req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:7070/_prenv/pr-5/orders/orders/summary?x=1", nil)
	rec := httptest.NewRecorder()
	rt.ServeHTTP(rec, req)
	if rec.Code != 200 || gotPath != "/orders/summary" {
		t.Errorf("path form: %d, upstream path %q; want 200 and /orders/summary", rec.Code, gotPath)
	}
}

func TestDeadUpstreamNamesItsLog(t *testing.T) {
	t.Parallel()
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	rt, _ := newTestRouter(t, Route{Env: "pr-3", Entry: "web", Services: map[string]Service{"web": {URL: url, Log: "/logs/pr-3/web.log"}}})
	code, body := get(t, rt, "pr-3.localhost")
	if code != http.StatusBadGateway || !strings.Contains(body, "web in pr-3 is not answering") || !strings.Contains(body, "/logs/pr-3/web.log") {
		t.Errorf("dead upstream: %d %q", code, body)
	}
}

func TestReloadPicksUpRoutes(t *testing.T) {
	t.Parallel()
	rt, dir := newTestRouter(t)
	if code, _ := get(t, rt, "pr-4.localhost"); code != 404 {
		t.Fatalf("before the route exists: %d, want 404", code)
	}
	if err := Save(dir, Route{Env: "pr-4", Entry: "web", Services: map[string]Service{"web": {URL: backend(t, "pr4")}}}); err != nil {
		t.Fatal(err)
	}
	// No Reload: a request for an unknown environment looks again.
	if code, body := get(t, rt, "pr-4.localhost"); code != 200 || !strings.HasPrefix(body, "pr4") {
		t.Errorf("after save: %d %q", code, body)
	}
	if err := Remove(dir, "pr-4"); err != nil {
		t.Fatal(err)
	}
	rt.Reload()
	if code, _ := get(t, rt, "pr-4.localhost"); code != 404 {
		t.Errorf("after remove: %d, want 404", code)
	}
}

func TestParseHost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		host, env, svc string
		ok             bool
	}{
		{"pr-1.localhost", "pr-1", "", true},
		{"PR-1.LOCALHOST:7070", "pr-1", "", true},
		{"orders.pr-1.localhost.", "pr-1", "orders", true},
		{"localhost", "", "", false},
		{"a.b.pr-1.localhost", "", "", false},
		{"pr-1.example.com", "", "", false},
	}
	for _, tt := range tests {
		env, svc, ok := parseHost(tt.host, "localhost")
		if env != tt.env || svc != tt.svc || ok != tt.ok {
			t.Errorf("parseHost(%q) = %q, %q, %v; want %q, %q, %v", tt.host, env, svc, ok, tt.env, tt.svc, tt.ok)
		}
	}
}

func TestBadRouteFileIsSkipped(t *testing.T) {
	t.Parallel()
	rt, dir := newTestRouter(t, Route{Env: "pr-5", Entry: "web", Services: map[string]Service{"web": {URL: backend(t, "pr5")}}})
	if err := os.WriteFile(filepath.Join(dir, "pr-6.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	table, errs := LoadTable(dir)
	if len(errs) != 1 || len(table) != 1 {
		t.Errorf("LoadTable = %d routes, %v; want 1 route and 1 error", len(table), errs)
	}
	rt.Reload()
	if code, _ := get(t, rt, "pr-5.localhost"); code != 200 {
		t.Errorf("good route after a bad one: %d", code)
	}
}

func TestWaitLive(t *testing.T) {
	t.Parallel()
	rt, dir := newTestRouter(t)
	srv := httptest.NewServer(rt)
	t.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "http://")
	r := Route{Env: "pr-6", Entry: "web", Services: map[string]Service{"web": {URL: backend(t, "pr6")}}}
	if err := Save(dir, r); err != nil {
		t.Fatal(err)
	}
	if err := WaitLive(t.Context(), addr, "pr-6", &r, time.Second); err != nil {
		t.Errorf("WaitLive after Save: %v", err)
	}
	other := Route{Env: "pr-6", Entry: "web", Services: map[string]Service{"web": {URL: "http://127.0.0.1:1"}}}
	if err := WaitLive(t.Context(), addr, "pr-6", &other, 100*time.Millisecond); err == nil {
		t.Error("WaitLive for a route never saved returned nil")
	}
	if err := Remove(dir, "pr-6"); err != nil {
		t.Fatal(err)
	}
	if err := WaitLive(t.Context(), addr, "pr-6", nil, time.Second); err != nil {
		t.Errorf("WaitLive after Remove: %v", err)
	}
	if err := WaitLive(t.Context(), "127.0.0.1:1", "pr-6", &r, time.Second); err != nil {
		t.Errorf("WaitLive with no router running: %v, want nil", err)
	}
}

// TestGroupRouting: a PR group's key reaches each member's version of the
// services it runs, the baseline for the rest; a member gone falls back
// to the baseline without the group's route changing.
func TestGroupRouting(t *testing.T) {
	t.Parallel()
	baseline := Route{Env: Baseline, Entry: "web", Services: map[string]Service{
		"web": {URL: backend(t, "baseline-web")}, "orders": {URL: backend(t, "baseline-orders")}, "users": {URL: backend(t, "baseline-users")},
	}}
	web12 := Route{Env: "pr-12", Entry: "web", Services: map[string]Service{"web": {URL: backend(t, "pr12-web")}}}
	orders15 := Route{Env: "pr-15", Entry: "web", Services: map[string]Service{"orders": {URL: backend(t, "pr15-orders")}}}
	group := Route{Env: "grp-checkout", Entry: "web", Members: []string{"pr-12", "pr-15"}}
	rt, dir := newTestRouter(t, baseline, web12, orders15, group)

	tests := []struct {
		name     string
		host     string
		header   []string
		wantBody string
	}{
		{"group entry is a member's, keyed", "grp-checkout.localhost:7070", nil, "pr12-web key=grp-checkout"},
		{"group service from the other member", "orders.grp-checkout.localhost", nil, "pr15-orders key=grp-checkout"},
		{"group service no member runs", "users.grp-checkout.localhost", nil, "baseline-users key=grp-checkout"},
		{"group key on the baseline's host", "orders.baseline.localhost", []string{"x-prenv-route", "grp-checkout"}, "pr15-orders key=grp-checkout"},
		{"group key on a member's host", "orders.pr-12.localhost", []string{"x-prenv-route", "grp-checkout"}, "pr15-orders key=grp-checkout"},
		{"group key in baggage", "web.baseline.localhost", []string{"baggage", "prenv-route=grp-checkout"}, "pr12-web"},
		{"a member alone keeps its own", "orders.pr-12.localhost", nil, "baseline-orders key=pr-12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := get(t, rt, tt.host, tt.header...)
			if code != 200 || !strings.Contains(body, tt.wantBody) {
				t.Errorf("GET %s = %d %q, want 200 with %q", tt.host, code, body, tt.wantBody)
			}
		})
	}
	if err := Remove(dir, "pr-15"); err != nil {
		t.Fatal(err)
	}
	rt.Reload()
	if _, body := get(t, rt, "orders.grp-checkout.localhost"); !strings.Contains(body, "baseline-orders key=grp-checkout") {
		t.Errorf("with pr-15 gone, the group's orders = %q, want the baseline's", body)
	}
}

// BenchmarkServeHTTP routes a request to a sandboxed environment's entry
// through the reverse proxy to a real upstream: the path whose cost and
// allocations the router benchmark (make bench) compares with Caddy's.
func BenchmarkServeHTTP(b *testing.B) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }))
	defer up.Close()
	dir := b.TempDir()
	if err := Save(dir, Route{Env: "pr-1", Entry: "web", Services: map[string]Service{"web": {URL: up.URL}}}); err != nil {
		b.Fatal(err)
	}
	rt := New(Options{RoutesDir: dir})
	rt.Reload()
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "http://pr-1.localhost:7070/", nil)
		rec := httptest.NewRecorder()
		rt.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// TestAcceptEncodingPassesAsSent: the router asks the service for the
// encodings its client asked for, no more, and passes the answer on as it
// came, compressed or not.
func TestAcceptEncodingPassesAsSent(t *testing.T) {
	t.Parallel()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "accept-encoding=%q", r.Header.Get("Accept-Encoding"))
	}))
	t.Cleanup(up.Close)
	rt, _ := newTestRouter(t, Route{Env: "pr-1", Entry: "web", Services: map[string]Service{"web": {URL: up.URL}}})
	srv := httptest.NewServer(rt)
	t.Cleanup(srv.Close)
	for _, sent := range []string{"", "br"} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/", nil)
		req.Host = "pr-1.localhost"
		if sent != "" {
			req.Header.Set("Accept-Encoding", sent)
		}
		// A raw transport: Go's client would add gzip itself.
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := fmt.Sprintf("accept-encoding=%q", sent); string(body) != want {
			t.Errorf("client sent Accept-Encoding %q; the service saw %s, want %s", sent, body, want)
		}
	}
}
