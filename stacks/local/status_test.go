package local_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/router"
	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/local"
)

// TestStatusAndStopWithAnotherHomesRouter: with another home's
// router on the port and a route but no process or cluster of its own, a
// machine's status names the other router and the routed environment, and
// stop refuses, naming it, unless forced, when it stops nothing of others.
func TestStatusAndStopWithAnotherHomesRouter(t *testing.T) {
	t.Parallel()
	home, other := t.TempDir(), t.TempDir()
	srv := httptest.NewServer(router.New(router.Options{RoutesDir: other}))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	m, err := local.Locate(setup(home, map[string]string{"PRENV_ROUTER_PORT": port, "PRENV_POSTGRES_DIR": filepath.Join(home, "postgres")}))
	if err != nil {
		t.Fatal(err)
	}
	if err := router.Save(m.RoutesDir, router.Route{Env: "pr-3", Entry: "web", Services: map[string]router.Service{"web": {URL: "http://127.0.0.1:1"}}}); err != nil {
		t.Fatal(err)
	}
	st, err := m.Status(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if st.Router.Running || st.Router.Other != "the prenv router of "+other || st.Router.Addr != "127.0.0.1:"+port {
		t.Errorf("router status = %+v, want not running, with %s's router named on port %s", st.Router, other, port)
	}
	if st.Postgres.Initialised || st.Postgres.Running {
		t.Errorf("postgres status = %+v, want no cluster", st.Postgres)
	}
	if len(st.Environments) != 1 || st.Environments[0].Name != "pr-3" || !st.Environments[0].Route || len(st.Environments[0].Services) != 0 {
		t.Errorf("environments = %+v, want pr-3 routed, with no live service", st.Environments)
	}
	if _, err := m.Stop(t.Context(), local.StopOptions{}); err == nil || !strings.Contains(err.Error(), "environment pr-3 still exists") {
		t.Errorf("Stop with pr-3 routed = %v, want a refusal naming pr-3", err)
	}
	rep, err := m.Stop(t.Context(), local.StopOptions{Force: true})
	if err != nil || rep.RouterPID != 0 || rep.PostgresPID != 0 || len(rep.Left) != 1 || rep.Left[0] != "pr-3" {
		t.Errorf("forced Stop = %+v, %v; want nothing stopped (the router is another home's) and pr-3 left", rep, err)
	}
	if code := get(t, srv.URL+router.PingPath); code != 200 {
		t.Errorf("the other home's router answers %d after Stop, want it untouched", code)
	}
	if _, err := local.Locate(setup(home, map[string]string{"PRENV_ROUTER_PORT": "0x1f"})); err == nil || !strings.Contains(err.Error(), "is not a port") {
		t.Errorf("Locate with a bad PRENV_ROUTER_PORT = %v, want it named", err)
	}
}

// setup is a Setup for home whose environment is env.
func setup(home string, env map[string]string) stacks.Setup {
	return stacks.Setup{Home: home, Getenv: func(k string) string { return env[k] }}
}

func get(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
