package session_test

import (
	"strings"
	"testing"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/session"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks"
)

func hostWith(env map[string]string) session.Host {
	return session.Host{Getenv: func(k string) string { return env[k] }}
}

func TestRunInfo(t *testing.T) {
	t.Parallel()
	actions := func(more map[string]string) map[string]string {
		env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/shop", "GITHUB_RUN_ID": "123", "GITHUB_RUN_ATTEMPT": "2", "GITHUB_JOB": "preview"}
		for k, v := range more {
			env[k] = v
		}
		return env
	}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		want    automation.RunInfo
		wantErr string
	}{
		{"a step of a run", actions(nil), automation.RunInfo{Repo: "acme/shop", RunID: 123, Attempt: 2, Job: "preview"}, ""},
		{"no attempt", actions(map[string]string{"GITHUB_RUN_ATTEMPT": ""}), automation.RunInfo{Repo: "acme/shop", RunID: 123, Attempt: 1, Job: "preview"}, ""},
		{"outside Actions", map[string]string{"GITHUB_RUN_ID": "123", "GITHUB_REPOSITORY": "acme/shop"}, automation.RunInfo{}, ""},
		{"bad run id", actions(map[string]string{"GITHUB_RUN_ID": "12x"}), automation.RunInfo{}, `GITHUB_RUN_ID "12x" is not a run number`},
		{"bad attempt", actions(map[string]string{"GITHUB_RUN_ATTEMPT": "0"}), automation.RunInfo{}, `GITHUB_RUN_ATTEMPT "0" is not an attempt number`},
		{"bad repository", actions(map[string]string{"GITHUB_REPOSITORY": "shop"}), automation.RunInfo{}, `GITHUB_REPOSITORY "shop" is not owner/name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := hostWith(tc.env).RunInfo()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !stacks.IsInput(err) || strings.Contains(err.Error(), "\n") {
					t.Errorf("RunInfo = %+v, %v; want a one-line input error with %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("RunInfo = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestLockOptionsAskGitHubOnlyWithAToken(t *testing.T) {
	t.Parallel()
	gh := testenv.NewGitHub(t, "acme/shop", "ghs_token")
	gh.AddRun(testenv.FakeRun{ID: 123, Status: "completed", Conclusion: "cancelled"})
	gh.AddRun(testenv.FakeRun{ID: 124})
	env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/shop", "GITHUB_RUN_ID": "9", "GITHUB_API_URL": gh.URL}
	opts, err := hostWith(env).LockOptions("")
	if o := automation.Resolve(opts); err != nil || o.Run.RunID != 9 || o.RunStatus != nil {
		t.Fatalf("without a token: %+v, %v; want this run and no GitHub check", o, err)
	}
	env["GITHUB_TOKEN"] = "ghs_token"
	opts, err = hostWith(env).LockOptions("")
	o := automation.Resolve(opts)
	if err != nil || o.RunStatus == nil {
		t.Fatalf("with a token: %+v, %v; want a GitHub check", o, err)
	}
	for _, tc := range []struct {
		run       automation.RunInfo
		completed bool
		wantErr   string
	}{
		{automation.RunInfo{Repo: "acme/shop", RunID: 123, Attempt: 1}, true, ""},
		{automation.RunInfo{Repo: "acme/shop", RunID: 124, Attempt: 1}, false, ""},
		{automation.RunInfo{Repo: "acme/shop", RunID: 125, Attempt: 1}, false, "not found (404)"},
		{automation.RunInfo{Repo: "other/repo", RunID: 123, Attempt: 1}, false, "read workflow run 123 of other/repo"},
	} {
		done, err := o.RunStatus(t.Context(), tc.run)
		if done != tc.completed || (tc.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("RunStatus(%s) = %v, %v; want %v, error %q", tc.run, done, err, tc.completed, tc.wantErr)
		}
	}
	if got := gh.CountCalls("GET", "/repos/acme/shop/actions/runs/123"); got != 1 {
		t.Errorf("%d calls for run 123 of acme/shop, want 1", got)
	}
}
