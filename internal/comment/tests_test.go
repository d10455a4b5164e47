package comment

import (
	"strings"
	"testing"
	"time"
)

func TestReportShowsTheTestsAndTheURLsHealth(t *testing.T) {
	t.Parallel()
	tail := []string{"=== RUN   TestCheckout", "--- FAIL: TestCheckout (0.02s)", "```not a fence", strings.Repeat("x", 1000)}
	tests := []struct {
		name   string
		tests  Tests
		health Health
		want   []string // in the Markdown
		absent []string
	}{
		{
			name:   "passed",
			tests:  Tests{Ran: true, Duration: 3210 * time.Millisecond, Tail: []string{"ok  	shop/e2e	3.2s"}},
			health: Health{Path: "/healthz", Status: 200},
			want:   []string{"| Tests | ✅ passed in 3.2s |", "| URL health | ✅ `/healthz` answered 200 |", "<details><summary>Test output (last 1 lines)</summary>", "ok  	shop/e2e	3.2s"},
			absent: []string{"<details open>"},
		},
		{
			name:   "failed",
			tests:  Tests{Ran: true, ExitCode: 1, Duration: 2100 * time.Millisecond, Tail: tail},
			health: Health{Path: "/healthz", Status: 503},
			want: []string{"| Tests | ❌ failed with exit code 1 after 2.1s |", "| URL health | ❌ `/healthz` answered 503 |",
				"<details open><summary>Test output (last 4 lines)</summary>", "--- FAIL: TestCheckout (0.02s)", "'''not a fence", strings.Repeat("x", 300) + "…"},
			absent: []string{strings.Repeat("x", 301)},
		},
		{
			name:   "timed out",
			tests:  Tests{Ran: true, ExitCode: -1, TimedOut: true, Duration: 15 * time.Minute, Tail: []string{"still waiting"}},
			health: Health{Path: "/", Status: 0},
			want:   []string{"| Tests | ⏱️ timed out after 15m0s |", "| URL health | ❌ `/` is not answering |", "<details open>"},
		},
		{
			name:   "not run",
			tests:  Tests{},
			health: Health{Path: "/healthz"},
			want:   []string{"| Tests | ⏭️ not run: the environment was not ready |", "| URL health | ❌ `/healthz` is not answering |"},
			absent: []string{"Test output"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := Report{Env: "pr-7", Status: StatusReady, URL: "http://pr-7.localhost:7070", Sandboxed: []string{"web"}, Tests: &tt.tests, Health: &tt.health}
			md := r.Markdown(CommentLimit)
			for _, want := range tt.want {
				if !strings.Contains(md, want) {
					t.Errorf("the report lacks %q:\n%s", want, md)
				}
			}
			for _, absent := range tt.absent {
				if strings.Contains(md, absent) {
					t.Errorf("the report holds %q:\n%s", absent, md)
				}
			}
			if strings.Count(md, "```")%2 != 0 || strings.Count(md, "<details") != strings.Count(md, "</details>") {
				t.Errorf("the report leaves a code block or <details> open:\n%s", md)
			}
			if got := tt.tests.Passed(); got != (tt.name == "passed") {
				t.Errorf("Passed() = %v", got)
			}
		})
	}
}

func TestReportLifetimeReplacesExpiry(t *testing.T) {
	t.Parallel()
	r := Report{Env: "pr-7", Status: StatusReady, ExpiresAt: time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC), Lifetime: "this job only"}
	md := r.Markdown(CommentLimit)
	if !strings.Contains(md, "| Lifetime | this job only |") || strings.Contains(md, "Expires") {
		t.Errorf("want the lifetime in place of the expiry:\n%s", md)
	}
	r.Lifetime = ""
	if md := r.Markdown(CommentLimit); !strings.Contains(md, "| Expires | 2030-01-02 03:04 UTC |") {
		t.Errorf("without a lifetime the expiry is gone:\n%s", md)
	}
}
