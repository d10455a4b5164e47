package cli_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

// prCheckout is a worktree of this repository in which one file of the
// example app says something else, as a pull request's checkout does.
func prCheckout(t *testing.T, file, from, to string) string {
	t.Helper()
	repo := testenv.RepoRoot(t)
	dir := filepath.Join(t.TempDir(), "wt")
	git(t, repo, "worktree", "add", "--quiet", "--detach", dir, "HEAD")
	t.Cleanup(func() { _ = exec.Command("git", "-C", repo, "worktree", "remove", "--force", dir).Run() })
	path := filepath.Join(dir, "examples", "app", file)
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), from) {
		t.Fatalf("%s does not say %q (%v)", file, from, err)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), from, to, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "examples", "app", "prenv.yaml")
}

// page fetches path from host through the router, with header pairs.
func (s *localSandbox) page(host, path string, header ...string) string {
	s.t.Helper()
	req, _ := http.NewRequestWithContext(s.t.Context(), http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d%s", s.routerPort, path), nil)
	req.Host = host
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("GET %s%s: %v", host, path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return fmt.Sprintf("%d %s", resp.StatusCode, body)
}

// TestGroupFrontendAndBackendPRs: on the local target with the example
// app, pr-12 changes web and pr-15 changes orders, each in its own
// worktree. Their group's URL shows both changes, each PR's own URL only
// its own, the baseline neither; the group's routing key works on any
// service's URL; a conflict is refused unless --prefer settles it;
// destroying a member takes it out of the group; and the reaper removes
// the group once none of its members is open.
func TestGroupFrontendAndBackendPRs(t *testing.T) {
	t.Parallel()
	s := newLocalSandbox(t)
	const web2, orders2 = "web v2: pull request 12", "orders v2: pull request 15"
	web12 := prCheckout(t, "web/main.go", `"web v1"`, `"`+web2+`"`)
	orders15 := prCheckout(t, "orders/main.go", `"orders v1 (%s)`, `"`+orders2+` (%s)`)
	up := func(args ...string) {
		t.Helper()
		if _, stderr, code := s.run(append([]string{"up"}, args...)...); code != 0 {
			t.Fatalf("up %v: exit %d: %s", args, code, stderr)
		}
	}
	up("--env", "baseline", "--blueprint", s.blueprint)
	defer s.run("destroy", "--env", "baseline", "--blueprint", s.blueprint)
	up("--pr", "12", "--blueprint", web12, "--base", "HEAD")
	defer s.run("destroy", "--pr", "12", "--blueprint", web12)
	up("--pr", "15", "--blueprint", orders15, "--base", "HEAD")
	defer s.run("destroy", "--pr", "15", "--blueprint", orders15)

	stdout, stderr, code := s.run("group", "up", "checkout", "--pr", "12", "--pr", "15", "--blueprint", s.blueprint)
	if code != 0 {
		t.Fatalf("group up: exit %d: %s", code, stderr)
	}
	defer s.run("group", "destroy", "checkout", "--blueprint", s.blueprint)
	if want := fmt.Sprintf("grp-checkout: http://grp-checkout.localhost:%d", s.routerPort); !strings.Contains(stdout, want) {
		t.Errorf("group up printed %q, want %q", stdout, want)
	}

	for _, tc := range []struct {
		name, host, path string
		header           []string
		want, wantNot    []string
	}{
		{"the group shows both", "grp-checkout.localhost", "/", nil, []string{"200 ", web2, orders2}, []string{"web v1", "orders v1"}},
		{"pr-12 shows its web only", "pr-12.localhost", "/", nil, []string{web2, "orders v1"}, []string{orders2}},
		{"pr-15 shows its orders only", "pr-15.localhost", "/", nil, []string{"web v1", orders2}, []string{web2}},
		{"the baseline shows neither", "baseline.localhost", "/", nil, []string{"web v1", "orders v1"}, []string{web2, orders2}},
		{"the key on the baseline's entry", "baseline.localhost", "/", []string{"x-prenv-route", "grp-checkout"}, []string{web2, orders2}, nil},
		{"the key in baggage", "baseline.localhost", "/", []string{"baggage", "prenv-route=grp-checkout"}, []string{web2, orders2}, nil},
		{"the key on a service's URL", "orders.baseline.localhost", "/orders/summary", []string{"x-prenv-route", "grp-checkout"}, []string{orders2}, nil},
		{"the key on a member's URL", "pr-12.localhost", "/", []string{"x-prenv-route", "grp-checkout"}, []string{web2, orders2}, nil},
	} {
		got := s.page(tc.host, tc.path, tc.header...)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: GET %s%s = %q, want %q in it", tc.name, tc.host, tc.path, got, w)
			}
		}
		for _, w := range tc.wantNot {
			if strings.Contains(got, w) {
				t.Errorf("%s: GET %s%s = %q, want no %q", tc.name, tc.host, tc.path, got, w)
			}
		}
	}

	t.Run("a conflict is refused, and --prefer settles it", func(t *testing.T) {
		up("--pr", "16", "--blueprint", web12, "--base", "HEAD")
		defer s.run("destroy", "--pr", "16", "--blueprint", web12)
		_, stderr, code := s.run("group", "up", "clash", "--pr", "12", "--pr", "16", "--blueprint", s.blueprint)
		if code != 2 || !strings.Contains(stderr, "service web is run by both pr-12 and pr-16") {
			t.Errorf("a group of two web PRs: exit %d, %s; want exit 2 naming web, pr-12 and pr-16", code, stderr)
		}
		stdout, stderr, code := s.run("group", "up", "clash", "--pr", "12", "--pr", "16", "--prefer", "16", "--blueprint", s.blueprint)
		if code != 0 || !strings.Contains(stdout, "members: pr-16, pr-12") {
			t.Errorf("with --prefer 16: exit %d, %s%s; want pr-16 first", code, stdout, stderr)
		}
		defer s.run("group", "destroy", "clash", "--blueprint", s.blueprint)
		if _, stderr, code := s.run("group", "up", "nobody", "--pr", "99", "--blueprint", s.blueprint); code != 2 || !strings.Contains(stderr, "pr-99 has no environment") {
			t.Errorf("a group of a PR without an environment: exit %d, %s", code, stderr)
		}
		if _, stderr, code := s.run("group", "up", "Bad_Name", "--pr", "12", "--blueprint", s.blueprint); code != 2 || !strings.Contains(stderr, "not a DNS label") {
			t.Errorf("a group name that is no DNS label: exit %d, %s", code, stderr)
		}
	})

	if got := s.groups(); !slices.Equal(got["checkout"], []string{"pr-12", "pr-15"}) {
		t.Errorf("group ls: %v, want checkout of pr-12 and pr-15", got)
	}
	if _, stderr, code := s.run("destroy", "--pr", "15", "--blueprint", orders15); code != 0 || !strings.Contains(stderr, "pr-15 left group grp-checkout") {
		t.Fatalf("destroy pr-15: exit %d: %s; want it to leave the group", code, stderr)
	}
	if got := s.groups(); !slices.Equal(got["checkout"], []string{"pr-12"}) {
		t.Errorf("group ls after pr-15's destroy: %v, want checkout of pr-12 alone", got)
	}
	if got := s.page("grp-checkout.localhost", "/"); !strings.Contains(got, web2) || !strings.Contains(got, "orders v1") {
		t.Errorf("the group after pr-15's destroy = %q, want pr-12's web and the baseline's orders", got)
	}
	if out, stderr, code := s.run("reap", "--open-prs", "12", "--dry-run", "--blueprint", s.blueprint); code != 0 || !regexp.MustCompile(`grp-checkout .*keep +open and within its TTL`).MatchString(out) {
		t.Errorf("a reap while pr-12 is open: exit %d, %s\n%s; want the group kept", code, stderr, out)
	}
	out, stderr, code := s.run("reap", "--open-prs", "99", "--protect", "pr-12", "--blueprint", s.blueprint)
	if code != 0 || !regexp.MustCompile(`grp-checkout .*destroy +destroyed \(closed: no member is open\)`).MatchString(out) {
		t.Fatalf("a reap once pr-12 closed: exit %d, %s\n%s; want the group reaped", code, stderr, out)
	}
	if got := s.page("grp-checkout.localhost", "/"); !strings.HasPrefix(got, "404 ") {
		t.Errorf("the group's URL after the reap = %q, want 404", got)
	}
	if got := s.groups(); len(got) != 0 {
		t.Errorf("group ls after the reap: %v, want none", got)
	}
	if _, stderr, code := s.run("group", "destroy", "checkout", "--blueprint", s.blueprint); code != 0 {
		t.Errorf("group destroy of a group gone: exit %d: %s; want success, as for any missing environment", code, stderr)
	}
	if got := s.page("pr-12.localhost", "/"); !strings.Contains(got, web2) {
		t.Errorf("pr-12 after its group's destroy = %q, want it still up", got)
	}
}

// groups reads group ls --json: each group's members by name.
func (s *localSandbox) groups() map[string][]string {
	s.t.Helper()
	stdout, stderr, code := s.run("group", "ls", "--json", "--blueprint", s.blueprint)
	if code != 0 {
		s.t.Fatalf("group ls: exit %d: %s", code, stderr)
	}
	var list []struct {
		Name    string   `json:"name"`
		Members []string `json:"members"`
	}
	if err := json.Unmarshal([]byte(stdout), &list); err != nil {
		s.t.Fatalf("group ls --json printed %q: %v", stdout, err)
	}
	out := map[string][]string{}
	for _, g := range list {
		out[g.Name] = g.Members
	}
	return out
}
