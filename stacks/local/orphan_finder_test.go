package local

import (
	"strings"
	"testing"

	"github.com/prenv/prenv/stacks"
)

// TestReportedOrphansKeepTheirKeys: the reaper's sightings files are keyed
// by Orphan.Key, so the form the reaper takes must keep the same keys,
// and come back unchanged for the sweep.
func TestReportedOrphansKeepTheirKeys(t *testing.T) {
	t.Parallel()
	for _, o := range []Orphan{
		{Kind: "database", Name: "prenv_shop_pr_8", Env: "pr-8"},
		{Kind: "role", Name: "prenv_shop_pr_8", Env: "pr-8"},
		{Kind: "clone", Name: "/home/me/.prenv/thin/shop/pr-8", Env: "pr-8"},
		{Kind: "route", Name: "/home/me/.prenv/routes/pr-8.json", Env: "pr-8"},
		{Kind: "logs", Name: "/home/me/.prenv/logs/pr-8", Env: "pr-8"},
		{Kind: "process", Name: "4242", Env: "pr-8", Started: 987654},
	} {
		r := o.reported()
		if r.Key() != o.Key() {
			t.Errorf("%s: reported key %q, want %q", o.Kind, r.Key(), o.Key())
		}
		back, err := fromReported(r)
		if err != nil || back != o {
			t.Errorf("%s: back from the reaper as %+v, %v; want %+v", o.Kind, back, err, o)
		}
	}
}

func TestSweepRefusesAProcessWithoutItsStartTime(t *testing.T) {
	t.Parallel()
	err := OrphanFinder{}.Sweep(t.Context(), []stacks.Orphan{{Kind: "process", Name: "4242", Env: "pr-8"}})
	if err == nil || !strings.Contains(err.Error(), "no start time") {
		t.Errorf("Sweep = %v, want the process refused", err)
	}
}
