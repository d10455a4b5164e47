package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/internal/events"
	"github.com/prenv/prenv/internal/stats"
	"github.com/prenv/prenv/internal/testenv"
)

// TestBinaryRecordsEvents: each up, refresh and destroy of the binary
// writes one event into the state backend, the same on file:// and s3://
// and for both engines, and prenv stats reads them back.
func TestBinaryRecordsEvents(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"pulumi", "terraform"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			forEachBackend(t, func(t *testing.T, kind string) { testRecordsEvents(t, engine, kind) })
		})
	}
}

func testRecordsEvents(t *testing.T, engine, kind string) {
	s := newSandboxOn(t, kind)
	blueprint := fmt.Sprintf("project: clitest\nengine: %s\ntarget: none\nttl: 2h\nfinops:\n  currency: EUR\n  rates: {environment-hour: 0.5}\n", engine)
	if err := os.WriteFile(filepath.Join(s.dir, "prenv.yaml"), []byte(blueprint), 0o644); err != nil {
		t.Fatal(err)
	}
	if engine == "terraform" {
		s.extraEnv = append(s.extraEnv, "PRENV_TERRAFORM="+testenv.Terraform(t))
	}
	start := time.Now().Add(-time.Second)
	for i, args := range [][]string{{"up", "--pr", "3"}, {"up", "--pr", "3"}, {"refresh", "--pr", "3"}, {"destroy", "--pr", "3"}, {"up", "--pr", "4"},
		{"up", "--pr", "5"}, {"reap", "--open-prs", "4"}} {
		if i == 1 {
			// A stack's created-at is kept to the second, and an up is its
			// first when they match: the update starts in a later second,
			// as any real one does.
			time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
		}
		if _, stderr, code := s.run(args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	evs, unreadable, err := events.Log{URL: s.backendURL}.Since(t.Context(), "clitest", start)
	if err != nil || unreadable != 0 {
		t.Fatalf("read the events: %v (%d unreadable)", err, unreadable)
	}
	var got []string
	for _, e := range evs {
		got = append(got, fmt.Sprintf("%s %s %s first=%v", e.Env, e.Kind, e.Result, e.First))
		trigger := events.TriggerCLI
		if e.Kind == events.KindReap {
			trigger = events.TriggerReaper
		}
		if string(e.Engine) != engine || e.Target != "none" || e.Trigger != trigger || e.Run != nil || e.End.Before(e.Start) {
			t.Errorf("event %+v: want engine %s, target none, trigger %s, no run", e, engine, trigger)
		}
	}
	want := []string{"pr-3 up ok first=true", "pr-3 up ok first=false", "pr-3 refresh ok first=false", "pr-3 destroy ok first=false", "pr-4 up ok first=true",
		"pr-5 up ok first=true", "pr-5 reap ok first=false"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if evs[0].ExpiresAt.IsZero() || evs[0].Footprint == nil {
		t.Errorf("the first up's event has no expiry or footprint: %+v", evs[0])
	}
	if reap := evs[len(evs)-1]; !reap.ExpiresAt.Equal(evs[len(evs)-2].ExpiresAt) {
		t.Errorf("the reap recorded expiry %s; want pr-5's, %s", reap.ExpiresAt, evs[len(evs)-2].ExpiresAt)
	}

	stdout, stderr, code := s.run("stats", "--since", "1h", "--json")
	if code != 0 {
		t.Fatalf("stats: exit %d: %s", code, stderr)
	}
	var r stats.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("stats --json printed %q: %v", stdout, err)
	}
	if r.Project != "clitest" || r.Environments.Created != 3 || r.Environments.Live != 1 || r.Ups.Total != 4 || r.Ups.OK != 4 ||
		r.Teardowns.Total != 2 || r.Teardowns.OK != 2 || r.Provisioning.First.Count != 3 || r.Provisioning.Update.Count != 1 ||
		!r.Cost.Rated || r.Cost.Currency != "EUR" || r.Cost.Total <= 0 || r.Cost.PerEnvironmentHour != 0.5 {
		t.Errorf("stats = %s", stdout)
	}
	if _, stderr, code := s.run("stats", "--since", "soon"); code != 2 || !strings.Contains(stderr, "--since") {
		t.Errorf("stats --since soon: exit %d, %s; want 2 naming the flag", code, stderr)
	}
}
