package session_test

import (
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/session"
	"github.com/prenv/prenv/stacks"
)

// In CI, state on the runner's own disk would be thrown away with the job,
// so a file:// backend, explicit or the default, is refused unless the
// runner is declared lasting.
func TestCIRefusesStateOnTheRunner(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		env     map[string]string
		backend string
		allow   bool
		refused bool
	}{
		{"default backend in CI", map[string]string{"CI": "true"}, "", false, true},
		{"explicit file:// under Actions", map[string]string{"GITHUB_ACTIONS": "true"}, "file:///var/state", false, true},
		{"file:// from the environment in CI", map[string]string{"CI": "true", "PRENV_BACKEND_URL": "file:///var/state"}, "", false, true},
		{"self-hosted runner opts in", map[string]string{"CI": "true"}, "file:///var/state", true, false},
		{"bucket in CI", map[string]string{"CI": "true"}, "s3://team-state?region=eu-west-1", false, false},
		{"laptop", map[string]string{}, "", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"PRENV_HOME": t.TempDir(), "GITHUB_REPOSITORY": "acme/shop"}
			for k, v := range tc.env {
				env[k] = v
			}
			h := session.Host{Getenv: func(k string) string { return env[k] }}
			_, err := h.Open(t.Context(), session.Options{
				Blueprint: "../../examples/lifecycle/prenv.yaml", PR: "1", Backend: tc.backend, AllowLocalState: tc.allow, Locate: true,
			})
			switch {
			case tc.refused && (err == nil || !strings.Contains(err.Error(), "set backend-url") || !stacks.IsInput(err)):
				t.Errorf("Open = %v, want an input error saying to set backend-url", err)
			case !tc.refused && err != nil:
				t.Errorf("Open = %v, want it accepted", err)
			}
		})
	}
}

// An ephemeral environment lives within one job, and so may its state; only
// the local target's can.
func TestEphemeralIsForTheLocalTarget(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		target  stacks.TargetName
		refused string
	}{
		{stacks.TargetLocal, ""},
		{stacks.TargetNone, "ephemeral is for the local target"},
		{stacks.TargetAWS, "ephemeral is for the local target"},
	} {
		t.Run(string(tc.target), func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"PRENV_HOME": t.TempDir(), "GITHUB_REPOSITORY": "acme/shop", "CI": "true"}
			h := session.Host{Getenv: func(k string) string { return env[k] }}
			s, err := h.Open(t.Context(), session.Options{
				Blueprint: "../../examples/lifecycle/prenv.yaml", PR: "1", Ephemeral: true, Locate: true,
				Adjust: func(bp *stacks.Blueprint) error { bp.Target = tc.target; return nil },
			})
			switch {
			case tc.refused != "" && (err == nil || !strings.Contains(err.Error(), tc.refused) || !stacks.IsInput(err)):
				t.Errorf("Open = %v, want an input error saying %q", err, tc.refused)
			case tc.refused == "" && err != nil:
				t.Errorf("Open = %v, want the runner's file:// state accepted", err)
			case tc.refused == "" && !s.Env.SelfContained:
				t.Error("an ephemeral environment is not self-contained")
			}
		})
	}
}
