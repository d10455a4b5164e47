package state_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/state"
	"github.com/prenv/prenv/internal/testenv"
)

func TestEventLog(t *testing.T) {
	t.Parallel()
	for _, be := range []struct {
		name string
		url  func(t *testing.T) string
	}{
		// A backend directory that does not exist yet is created.
		{"file", func(t *testing.T) string { return "file://" + filepath.Join(t.TempDir(), "state") }},
		{"s3", func(t *testing.T) string { return testenv.S3(t).URL }},
		{"s3 directory", func(t *testing.T) string {
			b := testenv.S3(t)
			return strings.Replace(b.URL, b.Name+"?", b.Name+"/teams/shop?", 1)
		}},
	} {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			l, err := state.OpenEventLog(ctx, be.url(t))
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			if got, err := l.Since(ctx, "shop", day(1, 0, 0)); err != nil || len(got) != 0 {
				t.Fatalf("Since on an empty log = %v, %v; want none", got, err)
			}
			// Written out of order, over three days, and another project's.
			writes := []struct {
				project, name string
				day, hour     int
			}{
				{"shop", "pr-2-destroy", 21, 9}, {"shop", "pr-1-up", 20, 23}, {"shop", "pr-2-up", 21, 8},
				{"shop", "pr-1-reap", 22, 0}, {"shop", "pr-0-up", 19, 12}, {"blog", "pr-1-up", 21, 8},
			}
			for _, w := range writes {
				key, err := l.Append(ctx, w.project, day(w.day, w.hour, 0), w.name, []byte(fmt.Sprintf(`{"name":%q}`, w.name)))
				if err != nil {
					t.Fatal(err)
				}
				prefix := fmt.Sprintf(".prenv/events/%s/2026-11-%02d/%02d0000.000000-%s-", w.project, w.day, w.hour, w.name)
				if !strings.HasPrefix(key, prefix) || !strings.HasSuffix(key, ".json") {
					t.Errorf("key %q; want it under %s", key, prefix)
				}
			}
			// From the 20th at noon: the 20th's day is listed whole.
			got, err := l.Since(ctx, "shop", day(20, 12, 0))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range got {
				names = append(names, string(e.Data))
			}
			want := `{"name":"pr-1-up"} {"name":"pr-2-up"} {"name":"pr-2-destroy"} {"name":"pr-1-reap"}`
			if strings.Join(names, " ") != want {
				t.Errorf("Since(20th) = %s\nwant %s (in start order, not the 19th's, not blog's)", strings.Join(names, " "), want)
			}
			if _, err := l.Append(ctx, "shop", day(20, 0, 0), "../escape", nil); err == nil {
				t.Error("an event name with a slash was accepted")
			}
		})
	}
}

// TestEventLogBesideStacks: the log lives beside pulumi's stacks and run
// records without changing what Stacks reads.
func TestEventLogBesideStacks(t *testing.T) {
	t.Parallel()
	url := backends[0].seed(t)
	l, err := state.OpenEventLog(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := l.Append(t.Context(), "shop", day(20, 0, 0), "pr-9-up", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if stacks, err := open(t, url).Stacks(t.Context(), "shop"); err != nil || len(stacks) != 3 {
		t.Errorf("Stacks beside the event log = %d, %v; want the fixture's 3", len(stacks), err)
	}
	if matches, _ := filepath.Glob(filepath.Join(strings.TrimPrefix(url, "file://"), ".prenv/events/shop/*/*.attrs")); len(matches) != 0 {
		t.Errorf("the file:// log wrote metadata files: %v", matches)
	}
}
