package state_test

import (
	"slices"
	"strings"
	"testing"

	"gocloud.dev/blob"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/state"
)

func TestRunRecords(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			url := be.seed(t)
			b := open(t, url)
			ctx := t.Context()
			run := automation.RunInfo{Repo: "acme/shop", RunID: 123, Attempt: 2, Job: "preview"}
			ci, err := b.WriteRun(ctx, "shop", state.RunRecord{Stack: "pr-9", User: "runner", Host: "fv-az1", PID: 42, Started: day(21, 10, 0), Run: run})
			if err != nil {
				t.Fatal(err)
			}
			// Two operations of one process on one stack keep a record each.
			local, err := b.WriteRun(ctx, "shop", state.RunRecord{Stack: "pr-9", User: "me", Host: "laptop", PID: 7, Started: day(21, 11, 0)})
			if err != nil {
				t.Fatal(err)
			}
			again, err := b.WriteRun(ctx, "shop", state.RunRecord{Stack: "pr-9", User: "me", Host: "laptop", PID: 7, Started: day(21, 11, 0)})
			if err != nil || again.Key == local.Key {
				t.Fatalf("a second record of one process: key %q, %v; want a key of its own", again.Key, err)
			}
			if _, err := b.WriteRun(ctx, "shop", state.RunRecord{Stack: "pr-11", Host: "elsewhere", PID: 1}); err != nil {
				t.Fatal(err)
			}
			plantTornRecord(t, url, ci.Key)

			runs, err := b.Runs(ctx, "shop", "pr-9")
			if err != nil || len(runs) != 3 {
				t.Fatalf("Runs(pr-9) = %+v, %v; want three (not pr-11's, not the torn one)", runs, err)
			}
			i := slices.IndexFunc(runs, func(r state.RunRecord) bool { return r.Key == ci.Key })
			if i < 0 {
				t.Fatalf("Runs(pr-9) lacks %s: %+v", ci.Key, runs)
			}
			if got := runs[i]; got.Run != run || got.Host != "fv-az1" || got.PID != 42 || got.User != "runner" || !got.Started.Equal(day(21, 10, 0)) || got.Stack != "pr-9" {
				t.Errorf("the CI run's record read back as %+v", got)
			}
			if !strings.HasPrefix(ci.Key, ".prenv/runs/shop/pr-9/fv-az1.42.") {
				t.Errorf("record key %q is not under prenv's own prefix, by stack, host and pid", ci.Key)
			}
			if stacks, err := b.Stacks(ctx, "shop"); err != nil || len(stacks) != 3 {
				t.Errorf("the records changed the stacks: %d, %v", len(stacks), err)
			}
			for _, r := range []state.RunRecord{ci, local, again} {
				if err := b.RemoveRun(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
			if err := b.RemoveRun(ctx, ci); err != nil {
				t.Errorf("removing a record again: %v, want nil", err)
			}
			if left, err := b.Runs(ctx, "shop", "pr-9"); err != nil || len(left) != 0 {
				t.Errorf("Runs(pr-9) after RemoveRun = %+v, %v", left, err)
			}
		})
	}
}

// plantTornRecord writes, beside key, a record a run was killed while
// writing.
func plantTornRecord(t *testing.T, url, key string) {
	t.Helper()
	bucket, err := blob.OpenBucket(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer bucket.Close()
	torn := strings.TrimSuffix(key, ".json") + "-torn.json"
	if err := bucket.WriteAll(t.Context(), torn, []byte(`{"stack":"pr-9","ho`), nil); err != nil {
		t.Fatal(err)
	}
}
