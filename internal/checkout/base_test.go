package checkout

import (
	"os/exec"
	"strings"
	"testing"
)

// DefaultBase prefers the remote's own default branch, then main, then
// master, and names all three when none exists.
func TestDefaultBase(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		branches []string // branches of the origin
		head     string   // the origin's default branch, recorded as origin/HEAD
		want     string
	}{
		{"origin/HEAD wins", []string{"develop", "main"}, "develop", "origin/develop"},
		{"main", []string{"main", "master"}, "", "origin/main"},
		{"master", []string{"master"}, "", "origin/master"},
		{"none", []string{"trunk"}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			origin, clone := t.TempDir(), t.TempDir()
			git(t, origin, "init", "-q", "-b", tc.branches[0])
			git(t, origin, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "first")
			for _, b := range tc.branches[1:] {
				git(t, origin, "branch", b)
			}
			git(t, clone, "init", "-q")
			git(t, clone, "remote", "add", "origin", origin)
			git(t, clone, "fetch", "-q", "origin")
			if tc.head != "" {
				git(t, clone, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/"+tc.head)
			}
			got, err := DefaultBase(t.Context(), clone)
			switch {
			case tc.want == "" && (err == nil || !strings.Contains(err.Error(), "tried origin/HEAD, origin/main and origin/master")):
				t.Errorf("DefaultBase = %q, %v; want an error naming what was tried", got, err)
			case tc.want != "" && (err != nil || got != tc.want):
				t.Errorf("DefaultBase = %q, %v; want %s", got, err, tc.want)
			}
		})
	}
}

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
