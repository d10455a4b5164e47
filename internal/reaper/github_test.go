package reaper_test

import (
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/internal/reaper"
	"github.com/prenv/prenv/internal/testenv"
)

func newGitHub(t *testing.T) (*testenv.GitHub, *reaper.GitHub, *strings.Builder) {
	t.Helper()
	server := testenv.NewGitHub(t, "acme/shop", "ghs_reaper-token")
	var log strings.Builder
	gh, err := reaper.NewGitHub(reaper.GitHubConfig{Repo: server.Repo, Token: server.Token, APIURL: server.URL, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	return server, gh, &log
}

func TestGitHubListsEveryOpenPR(t *testing.T) {
	t.Parallel()
	server, gh, log := newGitHub(t)
	for n := 1; n <= 150; n++ {
		server.AddPR(testenv.FakePR{Number: n})
	}
	open, err := gh.OpenPRs(t.Context())
	if err != nil || len(open) != 150 {
		t.Fatalf("OpenPRs = %d PRs, %v; want 150", len(open), err)
	}
	if got := server.CountCalls("GET", "/pulls"); got != 2 {
		t.Errorf("listing 150 open PRs took %d calls, want 2", got)
	}
	if !strings.Contains(log.String(), "150 open pull requests in acme/shop, read in 2 GitHub calls") {
		t.Errorf("log = %q", log)
	}
	server.TruncatePage(2)
	if _, err := gh.OpenPRs(t.Context()); err == nil {
		t.Error("a truncated second page gave a list, want an error")
	}
}

// TestGitHubConfirmsClosedPRsPastOnePage: a listing of one page cannot
// have shifted; past one, each closed PR is asked about on its own.
func TestGitHubConfirmsClosedPRsPastOnePage(t *testing.T) {
	t.Parallel()
	server, gh, _ := newGitHub(t)
	server.AddPR(testenv.FakePR{Number: 2, Unlisted: true}) // open, missed by the listing
	server.AddPR(testenv.FakePR{Number: 3, State: "closed"})
	onePage, twoPages := make([]int, 99), make([]int, 100)
	if err := gh.ConfirmClosed(t.Context(), onePage, []int{2, 3}); err != nil || server.CountCalls("GET", "/pulls/2") != 0 {
		t.Errorf("one page: %v, %d calls; want no question asked", err, server.CountCalls("GET", "/pulls/2"))
	}
	if err := gh.ConfirmClosed(t.Context(), twoPages, []int{3, 4}); err != nil {
		t.Errorf("closed 3 and unknown 4: %v, want confirmed", err)
	}
	err := gh.ConfirmClosed(t.Context(), twoPages, []int{3, 2})
	if err == nil || !strings.Contains(err.Error(), "PR #2 is open but the listing missed it") {
		t.Errorf("open 2: %v, want it named", err)
	}
}

func TestGitHubCommentsOnExpiry(t *testing.T) {
	t.Parallel()
	server, gh, _ := newGitHub(t)
	server.AddPR(testenv.FakePR{Number: 5})
	at := time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)
	if err := gh.CommentExpired(t.Context(), 5, "shop", "pr-5", at); err != nil {
		t.Fatal(err)
	}
	comments := server.Comments(5)
	if len(comments) != 1 || !strings.Contains(comments[0].Body, "expired") || !strings.Contains(comments[0].Body, "2030-01-02 03:04 UTC") ||
		!strings.Contains(comments[0].Body, "prenv:acme/shop:shop:pr-5") {
		t.Errorf("comments on PR 5 = %+v; want one saying it expired", comments)
	}
	if err := gh.DeactivateDeployments(t.Context(), "pr-5"); err != nil {
		t.Errorf("DeactivateDeployments: %v", err)
	}
}

func TestNewGitHubRefusesBadConfig(t *testing.T) {
	t.Parallel()
	for _, cfg := range []reaper.GitHubConfig{
		{Repo: "acme/shop"},
		{Repo: "shop", Token: "t"},
		{Repo: "acme/shop", Token: "t", APIURL: "ftp://x"},
	} {
		if _, err := reaper.NewGitHub(cfg); err == nil {
			t.Errorf("NewGitHub(%+v) succeeded, want an error", cfg)
		}
	}
}
