package github_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/github"
	"github.com/prenv/prenv/internal/testenv"
)

// changedPaths is n distinct file paths.
func changedPaths(n int) []string {
	files := make([]string, n)
	for i := range files {
		files[i] = fmt.Sprintf("svc/file%04d.go", i)
	}
	return files
}

func TestPullRequestFilesPagesOnceEachHundred(t *testing.T) {
	srv := testenv.NewGitHub(t, repo, token)
	files := changedPaths(250)
	srv.AddPR(testenv.FakePR{Number: 5, Files: files, Renames: map[string]string{files[3]: "old/place.go"}})
	c := client(t, srv, token)
	got, err := c.PullRequestFiles(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	want := append(slices.Clone(files), "old/place.go")
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("got %d files, want the 250 and the renamed file's old path (%d)", len(got), len(want))
	}
	if calls := srv.CountCalls("GET", "/pulls/5/files"); calls != 3 || c.Calls() != 3 {
		t.Errorf("listing took %d server calls (%d by the client), want 3", calls, c.Calls())
	}
	for _, call := range srv.Calls() {
		if !strings.Contains(call.Query, "per_page=100") {
			t.Errorf("call %s?%s does not ask for 100 per page", call.Path, call.Query)
		}
	}
}

func TestPullRequestFilesAtGitHubsCapIsIncomplete(t *testing.T) {
	srv := testenv.NewGitHub(t, repo, token)
	srv.AddPR(testenv.FakePR{Number: 6, Files: changedPaths(github.MaxPRFiles + 500)})
	files, err := client(t, srv, token).PullRequestFiles(context.Background(), 6)
	var incomplete *github.IncompleteFilesError
	if !errors.As(err, &incomplete) || incomplete.Listed != github.MaxPRFiles || incomplete.PR != 6 {
		t.Fatalf("err = %v, want an *IncompleteFilesError for PR 6 at %d files", err, github.MaxPRFiles)
	}
	if files != nil {
		t.Errorf("an incomplete listing returned %d files; it must return none", len(files))
	}
}

func TestPullRequestFilesIsAllOrNothing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pr    int
		fault func(*testenv.GitHub)
		want  string
	}{
		{"500 after retries", 8, func(g *testenv.GitHub) { g.Fail("GET", "/pulls/8/files", 500, -1) }, "500"},
		{"403", 8, func(g *testenv.GitHub) { g.Fail("GET", "/pulls/8/files", 403, -1) }, "pull-requests: read"},
		{"no such PR", 404, func(*testenv.GitHub) {}, "not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := testenv.NewGitHub(t, repo, token)
			srv.AddPR(testenv.FakePR{Number: 8, Files: changedPaths(150)})
			tc.fault(srv)
			files, err := client(t, srv, token).PullRequestFiles(context.Background(), tc.pr)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), fmt.Sprintf("#%d", tc.pr)) {
				t.Fatalf("err = %v, want one naming #%d and %q", err, tc.pr, tc.want)
			}
			if files != nil {
				t.Errorf("a failed listing returned %d files; it must return none", len(files))
			}
		})
	}
}
