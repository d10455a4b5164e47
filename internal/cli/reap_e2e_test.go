package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/internal/testenv"
)

// initRawStack creates a stack of project in s's backend with no prenv
// outputs, through the pulumi CLI, as someone else's tooling would.
func initRawStack(t *testing.T, s *sandbox, project, name string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: "+project+"\nruntime: go\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), testenv.Pulumi(t), "stack", "init", "organization/"+project+"/"+name, "--non-interactive")
	cmd.Dir = dir
	cmd.Env = append(append(hostEnv(), s.backendEnv...), "PULUMI_BACKEND_URL="+s.backendURL, "PULUMI_CONFIG_PASSPHRASE=e2e", "PULUMI_SKIP_UPDATE_CHECK=true")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pulumi stack init %s: %v\n%s", name, err, out)
	}
}

// stackNames lists the project's stacks through prenv ls.
func (s *sandbox) stackNames() []string {
	s.t.Helper()
	out, stderr, code := s.run("ls", "--json")
	if code != 0 {
		s.t.Fatalf("ls: %s", stderr)
	}
	var names []string
	for _, line := range strings.Split(out, "\n") {
		if _, rest, ok := strings.Cut(line, `"stack": "`); ok {
			name, _, _ := strings.Cut(rest, `"`)
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

func TestBinaryReapWithGitHub(t *testing.T) {
	t.Parallel()
	forEachBackend(t, testReapWithGitHub)
}

func testReapWithGitHub(t *testing.T, kind string) {
	s := newSandboxOn(t, kind)
	gh := testenv.NewGitHub(t, "acme/shop", "ghs_reaper-token")
	summary := filepath.Join(t.TempDir(), "summary.md")
	s.extraEnv = []string{"GITHUB_TOKEN=" + gh.Token, "GITHUB_API_URL=" + gh.URL, "GITHUB_STEP_SUMMARY=" + summary}

	for _, pr := range []string{"1", "2", "3", "4", "7"} {
		if _, stderr, code := s.run("up", "--pr", pr); code != 0 {
			t.Fatalf("up --pr %s: %s", pr, stderr)
		}
	}
	if _, stderr, code := s.run("up", "--env", "baseline"); code != 0 {
		t.Fatalf("up baseline: %s", stderr)
	}
	// Another repository's closed PR 11, in the same project and backend.
	if _, stderr, code := s.run("up", "--pr", "11", "--repo", "acme/other"); code != 0 {
		t.Fatalf("up --pr 11 of acme/other: %s", stderr)
	}
	for _, name := range []string{"prod", "staging-pr-3", "PR-5", "pr-", "pr-12-old", "pr-9"} {
		initRawStack(t, s, "clitest", name)
	}
	other := newSandbox(t)
	other.backend, other.backendURL, other.backendEnv = s.backend, s.backendURL, s.backendEnv
	if err := os.WriteFile(filepath.Join(other.dir, "prenv.yaml"), []byte("project: other\ntarget: none\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := other.run("up", "--pr", "2"); code != 0 {
		t.Fatalf("other project's up: %s", stderr)
	}
	// PRs 1, 3 and 5 are open among 150, so the listing takes two pages;
	// 2, 4, 7 (protected), 9, 11 (acme/other's) and 12 are closed.
	for _, n := range append([]int{1, 3, 5}, seq(200, 347)...) {
		gh.AddPR(testenv.FakePR{Number: n})
	}
	all := s.stackNames()

	for name, fault := range map[string]func(){
		"403":              func() { gh.Fail("GET", "/pulls", 403, 1) },
		"500":              func() { gh.Fail("GET", "/pulls", 500, 4) },
		"truncated page 2": func() { gh.TruncatePage(2) },
	} {
		fault()
		out, stderr, code := s.run("reap", "--protect", "pr-7")
		if code != 1 || !strings.Contains(stderr, "nothing was reaped") {
			t.Errorf("%s: exit %d, %q; want 1 and nothing reaped\n%s", name, code, stderr, out)
		}
		if got := s.stackNames(); !slices.Equal(got, all) {
			t.Fatalf("%s: stacks went from %v to %v", name, all, got)
		}
	}
	gh = resetFaults(t, s, gh)

	gh.AddPR(testenv.FakePR{Number: 2, Unlisted: true})
	if out, stderr, code := s.run("reap", "--protect", "pr-7"); code != 1 || !strings.Contains(stderr, "PR #2 is open but the listing missed it") {
		t.Errorf("a listing that missed open PR 2: exit %d, %q\n%s", code, stderr, out)
	}
	if got := s.stackNames(); !slices.Equal(got, all) {
		t.Fatalf("a reap on a listing that missed a PR changed the stacks: %v", got)
	}
	gh.AddPR(testenv.FakePR{Number: 2, State: "closed"})
	if out, stderr, code := s.run("reap", "--protect", "pr-7", "--max-deletions", "1"); code != 1 || !strings.Contains(stderr, "over the maximum of 1") {
		t.Errorf("max-deletions 1 with 2 closed: exit %d, %q\n%s", code, stderr, out)
	}
	before := gh.CountCalls("GET", "/pulls")
	out, stderr, code := s.run("reap", "--protect", "pr-7", "--dry-run")
	if code != 0 || strings.Count(out, "dry run (closed)") != 2 || !strings.Contains(out, "another repository's (acme/other)") {
		t.Errorf("dry run: exit %d, %s\n%s; want closed pr-2 and pr-4 planned, and acme/other's pr-11 kept", code, stderr, out)
	}
	if calls := gh.CountCalls("GET", "/pulls") - before; calls != 2 {
		t.Errorf("listing 150 open PRs took %d calls, want 2", calls)
	}
	if got := s.stackNames(); !slices.Equal(got, all) {
		t.Fatalf("the dry run changed the stacks: %v", got)
	}

	// A live lock on pr-4 (held by this test process) keeps it.
	host, _ := os.Hostname()
	s.plantLock("clitest", "pr-4", os.Getpid(), host, time.Now())
	out, stderr, code = s.run("reap", "--protect", "pr-7")
	if code != 0 || !strings.Contains(out, "destroyed (closed)") || !strings.Contains(out, "an update holds it") {
		t.Fatalf("reap: exit %d, %s\n%s", code, stderr, out)
	}
	want := slices.DeleteFunc(slices.Clone(all), func(n string) bool { return n == "pr-2" })
	if got := s.stackNames(); !slices.Equal(got, want) {
		t.Errorf("after the reap, stacks = %v; want %v (only closed pr-2 gone)", got, want)
	}
	if got := other.stackNames(); !slices.Equal(got, []string{"pr-2"}) {
		t.Errorf("the other project's stacks = %v; its pr-2 must stay", got)
	}
	if data, _ := os.ReadFile(summary); !strings.Contains(string(data), "| `pr-2` | closed |") {
		t.Errorf("step summary lacks pr-2's row:\n%s", data)
	}
	s.removeLocks("clitest", "pr-4")

	// pr-5's TTL passes while its PR is open: reaped, and told so.
	short := filepath.Join(s.dir, "short.yaml")
	if err := os.WriteFile(short, []byte("project: clitest\ntarget: none\nttl: 1s\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := s.run("up", "--pr", "5", "--blueprint", short); code != 0 {
		t.Fatalf("up --pr 5: %s", stderr)
	}
	time.Sleep(1500 * time.Millisecond)
	out, stderr, code = s.run("reap", "--protect", "pr-7")
	if code != 0 || !strings.Contains(out, "destroyed (expired)") || !strings.Contains(out, "destroyed (closed)") {
		t.Fatalf("second reap: exit %d, %s\n%s", code, stderr, out)
	}
	comments := gh.Comments(5)
	if len(comments) != 1 || !strings.Contains(comments[0].Body, "expired") || !strings.Contains(comments[0].Body, "prenv:acme/shop:clitest:pr-5") {
		t.Errorf("comments on PR 5 = %+v; want one saying it expired", comments)
	}
	for _, name := range []string{"pr-2", "pr-4", "pr-5"} {
		if slices.Contains(s.stackNames(), name) {
			t.Errorf("%s survived the reaps", name)
		}
	}
	for _, name := range []string{"baseline", "prod", "staging-pr-3", "PR-5", "pr-", "pr-12-old", "pr-9", "pr-7", "pr-1", "pr-3", "pr-11"} {
		if !slices.Contains(s.stackNames(), name) {
			t.Errorf("%s was reaped; it is not a closed or expired prenv environment", name)
		}
	}
	if strings.Contains(stderr+out, gh.Token) {
		t.Error("the token appears in prenv's output")
	}
}

// resetFaults replaces the server's used-up faults with a fresh server
// holding the same PRs.
func resetFaults(t *testing.T, s *sandbox, old *testenv.GitHub) *testenv.GitHub {
	t.Helper()
	gh := testenv.NewGitHub(t, old.Repo, old.Token)
	for _, n := range append([]int{1, 3, 5}, seq(200, 347)...) {
		gh.AddPR(testenv.FakePR{Number: n})
	}
	for i, e := range s.extraEnv {
		if strings.HasPrefix(e, "GITHUB_API_URL=") {
			s.extraEnv[i] = "GITHUB_API_URL=" + gh.URL
		}
	}
	return gh
}

func seq(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}
