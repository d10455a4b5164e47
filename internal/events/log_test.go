package events_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/events"
	"github.com/prenv/prenv/internal/testenv"
)

// TestLogOnBackends: the events a Recorder writes read back alike from a
// file:// directory and an s3:// bucket, and a window leaves out what
// started before it.
func TestLogOnBackends(t *testing.T) {
	t.Parallel()
	for _, be := range []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"file", func(t *testing.T) string { return "file://" + filepath.Join(t.TempDir(), "state") }},
		{"s3", func(t *testing.T) string { return testenv.S3(t).URL }},
	} {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			log := events.Log{URL: be.url(t)}
			clock := t0
			r := &events.Recorder{Store: log, Trigger: events.TriggerCLI, Now: func() time.Time { clock = clock.Add(time.Hour); return clock }}
			eng := r.Wrap(stubEngine{res: automation.Result{Outputs: lifetime(t0, t0.Add(time.Hour))}})
			for range 3 { // starting at t0+1h, t0+3h and t0+5h
				if _, err := eng.Up(t.Context(), env(t, "pr-4")); err != nil {
					t.Fatal(err)
				}
			}
			got, unreadable, err := log.Since(t.Context(), "shop", t0.Add(2*time.Hour))
			if err != nil || unreadable != 0 || len(got) != 2 || !got[0].Start.Equal(t0.Add(3*time.Hour)) || !got[1].Start.Equal(t0.Add(5*time.Hour)) {
				t.Errorf("Since(t0+2h) = %+v, %d unreadable, %v; want the ups of t0+3h and t0+5h", got, unreadable, err)
			}
		})
	}
}
