package github_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/internal/github"
	"github.com/prenv/prenv/internal/testenv"
)

const repo, token = "acme/shop", "ghs_test-token"

func client(t *testing.T, srv *testenv.GitHub, tok string) *github.Client {
	t.Helper()
	c, err := github.New(github.Config{Repo: repo, Token: tok, APIURL: srv.URL, RetryBase: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOpenPRsPagesOnceEachHundred(t *testing.T) {
	srv := testenv.NewGitHub(t, repo, token)
	for n := 1; n <= 250; n++ {
		srv.AddPR(testenv.FakePR{Number: n})
	}
	srv.AddPR(testenv.FakePR{Number: 999, State: "closed"})
	c := client(t, srv, token)
	prs, err := c.OpenPRs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(prs) != 250 {
		t.Errorf("got %d open PRs, want 250", len(prs))
	}
	if got := srv.CountCalls("GET", "/pulls"); got != 3 || c.Calls() != 3 {
		t.Errorf("listing took %d server calls (%d by the client), want 3", got, c.Calls())
	}
}

func TestOpenPRsIsAllOrNothing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault func(*testenv.GitHub)
		want  string
	}{
		{"403", func(g *testenv.GitHub) { g.Fail("GET", "/pulls", 403, -1) }, "403"},
		{"500 after retries", func(g *testenv.GitHub) { g.Fail("GET", "/pulls", 500, -1) }, "500"},
		{"truncated page 2", func(g *testenv.GitHub) { g.TruncatePage(2) }, "page 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := testenv.NewGitHub(t, repo, token)
			for n := 1; n <= 150; n++ {
				srv.AddPR(testenv.FakePR{Number: n})
			}
			tc.fault(srv)
			prs, err := client(t, srv, token).OpenPRs(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one naming %q", err, tc.want)
			}
			if prs != nil {
				t.Errorf("a failed listing returned %d PRs; it must return none", len(prs))
			}
		})
	}
}

func TestRetriesTransientFailures(t *testing.T) {
	srv := testenv.NewGitHub(t, repo, token)
	srv.AddPR(testenv.FakePR{Number: 7})
	srv.Fail("GET", "/pulls", http.StatusBadGateway, 2)
	prs, err := client(t, srv, token).OpenPRs(context.Background())
	if err != nil || len(prs) != 1 {
		t.Fatalf("got %v, %v; want PR 7 after two retried 502s", prs, err)
	}
	if got := srv.CountCalls("GET", "/pulls"); got != 3 {
		t.Errorf("%d calls, want 3 (two failures, one success)", got)
	}
}

func TestErrorsNameTheFix(t *testing.T) {
	srv := testenv.NewGitHub(t, repo, token)
	_, err := client(t, srv, "wrong-token").PullRequest(context.Background(), 1)
	if err == nil || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "github-token") {
		t.Errorf("bad token: %v", err)
	}
	if strings.Contains(err.Error(), "wrong-token") {
		t.Errorf("the error leaks the token: %v", err)
	}
	_, err = client(t, srv, token).PullRequest(context.Background(), 404)
	if err == nil || !strings.Contains(err.Error(), "#404") || !strings.Contains(err.Error(), "not found") {
		t.Errorf("missing PR: %v", err)
	}
	if _, err := github.New(github.Config{Repo: repo}); err == nil || !strings.Contains(err.Error(), "GITHUB_TOKEN") {
		t.Errorf("no token: %v", err)
	}
	if _, err := github.New(github.Config{Repo: "nope", Token: token}); err == nil || !strings.Contains(err.Error(), "owner/name") {
		t.Errorf("bad repo: %v", err)
	}
}

func TestStickyCommentIsEditedInPlace(t *testing.T) {
	srv := testenv.NewGitHub(t, repo, token)
	srv.AddPR(testenv.FakePR{Number: 3})
	c := client(t, srv, token)
	ctx := context.Background()
	marker := github.Marker(repo, "shop", "pr-3")
	for _, body := range []string{"first", "second"} {
		if _, err := c.StickyComment(ctx, 3, marker, body); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.StickyComment(ctx, 3, github.Marker(repo, "blog", "pr-3"), "another project's pr-3"); err != nil {
		t.Fatal(err)
	}
	comments := srv.Comments(3)
	if len(comments) != 2 || !strings.HasSuffix(comments[0].Body, "second") {
		t.Fatalf("comments = %+v; want shop's pr-3 edited to 'second', and blog's pr-3 its own", comments)
	}
}

func TestStickyCommentIgnoresSpoofedMarkers(t *testing.T) {
	srv := testenv.NewGitHub(t, repo, token)
	marker := github.Marker(repo, "shop", "pr-4")
	srv.AddComment(4, marker+"\nlook here: http://evil.example", "mallory", "User")
	c := client(t, srv, token)
	if _, err := c.StickyComment(context.Background(), 4, marker, "the real one"); err != nil {
		t.Fatal(err)
	}
	comments := srv.Comments(4)
	if len(comments) != 2 || !strings.Contains(comments[0].Body, "evil.example") || !strings.HasSuffix(comments[1].Body, "the real one") {
		t.Errorf("comments = %+v; want mallory's untouched and prenv's own", comments)
	}
}

func TestPostIsNotRetriedOnServerErrors(t *testing.T) {
	srv := testenv.NewGitHub(t, repo, token)
	srv.Fail("POST", "/deployments", http.StatusBadGateway, 1)
	if _, err := client(t, srv, token).StartDeployment(context.Background(), "pr-1", "abc", "x"); err == nil {
		t.Fatal("a failed POST succeeded")
	}
	if got := srv.CountCalls("POST", "/deployments"); got != 1 {
		t.Errorf("the POST was sent %d times; a late failure may have created it, so it must not be retried", got)
	}
}

func TestDeploymentLifecycle(t *testing.T) {
	srv := testenv.NewGitHub(t, repo, token)
	c := client(t, srv, token)
	ctx := context.Background()
	id, err := c.StartDeployment(ctx, "pr-3", "abc123", "prenv up")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetDeploymentState(ctx, id, github.StateSuccess, "http://pr-3.example"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeactivateDeployments(ctx, "pr-3"); err != nil {
		t.Fatal(err)
	}
	d := srv.Deployments("pr-3")
	if len(d) != 1 || strings.Join(d[0].States, ",") != "in_progress,success,inactive" || d[0].URL != "http://pr-3.example" {
		t.Errorf("deployments = %+v", d)
	}
}

func TestStatusCodeSurvivesExplaining(t *testing.T) {
	srv := testenv.NewGitHub(t, repo, token)
	_, err := client(t, srv, token).PullRequest(context.Background(), 404)
	if got := github.StatusCode(err); got != http.StatusNotFound {
		t.Errorf("StatusCode = %d, want 404 (err %v)", got, err)
	}
}

func TestWorkflowRun(t *testing.T) {
	srv := testenv.NewGitHub(t, repo, token)
	srv.AddRun(testenv.FakeRun{ID: 123, Status: "completed", Conclusion: "cancelled"})
	srv.AddRun(testenv.FakeRun{ID: 124})
	srv.AddRun(testenv.FakeRun{ID: 125, Attempt: 2})
	c := client(t, srv, token)
	ctx := context.Background()
	for _, tc := range []struct {
		id        int64
		attempt   int
		completed bool
	}{
		{123, 1, true},  // cancelled
		{124, 1, false}, // in progress
		{125, 1, true},  // attempt 2 runs, so attempt 1 is over
		{125, 2, false},
		{125, 0, false}, // an unknown attempt: only the run's end tells
	} {
		run, err := c.WorkflowRun(ctx, tc.id)
		if err != nil || run.ID != tc.id || run.Completed(tc.attempt) != tc.completed {
			t.Errorf("run %d attempt %d: %+v, %v; want completed = %v", tc.id, tc.attempt, run, err, tc.completed)
		}
	}
	if got := srv.CountCalls("GET", "/actions/runs/125"); got != 3 {
		t.Errorf("%d calls for run 125's three questions, want one each", got)
	}
	_, err := c.WorkflowRun(ctx, 999)
	if err == nil || !strings.Contains(err.Error(), "read workflow run 999 of acme/shop: not found (404)") {
		t.Errorf("a missing run: %v", err)
	}
	srv.Fail("GET", "/actions/runs", http.StatusForbidden, 1)
	if _, err := c.WorkflowRun(ctx, 123); err == nil || !strings.Contains(err.Error(), "permissions: actions: read") {
		t.Errorf("a token that may not read runs: %v", err)
	}
}
