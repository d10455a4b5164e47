package reaper_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/reaper"
	"github.com/prenv/prenv/stacks"
)

// orphanReaper reaps a project whose only stack is its baseline, with
// finders for its orphans.
func orphanReaper(finders ...reaper.OrphanFinder) *reaper.Reaper {
	eng := &fakeEngine{stacks: []automation.StackInfo{{Name: "baseline", CreatedAt: now}}}
	return &reaper.Reaper{Project: "shop", Engine: eng, PRs: reaper.StaticPRs{}, Orphans: finders}
}

// sighted reads the keys of the project's sightings file.
func sighted(t *testing.T, dir string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "shop.json"))
	if err != nil {
		t.Fatal(err)
	}
	var seen map[string]time.Time
	if err := json.Unmarshal(data, &seen); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestSweepCountsTheGraceFromTheFirstSighting: an orphan whose target
// cannot tell its age is kept for the grace period from the first reap
// that saw it, and forgotten once swept.
func TestSweepCountsTheGraceFromTheFirstSighting(t *testing.T) {
	t.Parallel()
	finder := &fakeFinder{orphans: []stacks.Orphan{
		{Kind: "database", Name: "prenv_shop_pr_8", Env: "pr-8"},
		{Kind: "process", Name: "4242", Env: "pr-8", ID: "123456"},
		{Kind: "route", Name: "/routes/baseline.json", Env: "baseline"}, // live: never an orphan
	}}
	r := orphanReaper(finder)
	dir := t.TempDir()
	opts := reaper.DefaultOptions()
	opts.SightingsDir = dir
	for _, step := range []struct {
		name   string
		after  time.Duration
		dryRun bool
		want   string
		count  int
		swept  int
	}{
		{"first seen", 0, false, "first seen 0s ago, kept for the 1h0m0s grace period", 2, 0},
		{"within the grace", 30 * time.Minute, false, "first seen 30m ago, kept for the 1h0m0s grace period", 2, 0},
		{"past the grace, dry run", 61 * time.Minute, true, "would be deleted (dry run)", 2, 0},
		{"past the grace", 61 * time.Minute, false, ": deleted", 2, 2},
	} {
		opts.Now, opts.DryRun = now.Add(step.after), step.dryRun
		out, err := run(t, r, opts)
		if err != nil || strings.Count(out, step.want) != step.count || len(finder.swept) != step.swept {
			t.Fatalf("%s: Run = %v, swept %v, printed\n%s\nwant %q %d times and %d swept", step.name, err, finder.swept, out, step.want, step.count, step.swept)
		}
		if step.swept == 0 {
			if got, want := sighted(t, dir), []string{"database:prenv_shop_pr_8", "process:4242:123456"}; !slices.Equal(got, want) {
				t.Fatalf("%s: sightings %v, want %v", step.name, got, want)
			}
		}
	}
	if got := sighted(t, dir); len(got) != 0 {
		t.Errorf("sightings after the sweep: %v, want none", got)
	}
}

// TestSweepDeletesOnRequestOnly: an orphan its target marks OnRequest is
// reported until the reap is told to delete orphans; its own age counts.
func TestSweepDeletesOnRequestOnly(t *testing.T) {
	t.Parallel()
	namespace := func(env string, age time.Duration, terminating bool) stacks.Orphan {
		return stacks.Orphan{Kind: "namespace", Name: env, Env: env, ID: "uid-" + env, Created: now.Add(-age), Terminating: terminating, OnRequest: true}
	}
	for _, tc := range []struct {
		name      string
		orphan    stacks.Orphan
		delete    bool
		dryRun    bool
		want      string
		wantSwept bool
	}{
		{"reported", namespace("pr-1", 2*time.Hour, false), false, false, "reported; pass --delete-orphans to delete it", false},
		{"young", namespace("pr-1", 10*time.Minute, false), true, false, "10m old, kept for the 1h0m0s grace period", false},
		{"terminating", namespace("pr-1", 2*time.Hour, true), true, false, "being deleted", false},
		{"dry run", namespace("pr-1", 2*time.Hour, false), true, true, "would be deleted (dry run)", false},
		{"deleted", namespace("pr-1", 2*time.Hour, false), true, false, "of pr-1: deleted", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			finder := &fakeFinder{orphans: []stacks.Orphan{tc.orphan}}
			dir := t.TempDir()
			opts := reaper.DefaultOptions()
			opts.DeleteOrphans, opts.DryRun, opts.SightingsDir = tc.delete, tc.dryRun, dir
			out, err := run(t, orphanReaper(finder), opts)
			if err != nil || !strings.Contains(out, tc.want) || (len(finder.swept) == 1) != tc.wantSwept {
				t.Errorf("Run = %v, swept %v, printed\n%s\nwant %q, swept %v", err, finder.swept, out, tc.want, tc.wantSwept)
			}
			if _, err := os.Stat(filepath.Join(dir, "shop.json")); !os.IsNotExist(err) {
				t.Errorf("orphans of known age left a sightings file: %v", err)
			}
		})
	}
}

// TestSweepRefusedWithoutStacks: with no stacks at all (a wrong backend?)
// every orphan looks due; only --force deletes them.
func TestSweepRefusedWithoutStacks(t *testing.T) {
	t.Parallel()
	for _, force := range []bool{false, true} {
		finder := &fakeFinder{orphans: []stacks.Orphan{{Kind: "database", Name: "prenv_shop_pr_1", Env: "pr-1"}}}
		r := &reaper.Reaper{Project: "shop", Engine: &fakeEngine{}, PRs: reaper.StaticPRs{}, Orphans: []reaper.OrphanFinder{finder}}
		opts := reaper.DefaultOptions()
		opts.OrphanGrace, opts.Force = 0, force
		out, err := run(t, r, opts)
		refused := strings.Contains(out, "none deleted: the project has no stacks at all")
		if err != nil || refused == force || (len(finder.swept) == 1) != force {
			t.Errorf("force %v: Run = %v, swept %v, printed\n%s", force, err, finder.swept, out)
		}
		if !force && strings.Contains(out, ": deleted") {
			t.Errorf("a refused sweep says it deleted:\n%s", out)
		}
	}
}

// TestSweepGoesOnWhenAFinderIsUnavailable: a target that cannot be asked
// fails the reap's result, not the reap, and loses no sightings.
func TestSweepGoesOnWhenAFinderIsUnavailable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	earlier := `{"route:/routes/pr-9.json": "2030-01-01T00:00:00Z"}`
	if err := os.WriteFile(filepath.Join(dir, "shop.json"), []byte(earlier), 0o600); err != nil {
		t.Fatal(err)
	}
	noCluster := errors.New("no cluster to look for orphaned namespaces in")
	finder := &fakeFinder{orphans: []stacks.Orphan{{Kind: "database", Name: "prenv_shop_pr_1", Env: "pr-1"}}}
	eng := &fakeEngine{stacks: []automation.StackInfo{{Name: "baseline", CreatedAt: now}, prenvStack("pr-2", now, now.Add(time.Hour))}}
	r := &reaper.Reaper{Project: "shop", Engine: eng, PRs: reaper.StaticPRs{}, Orphans: []reaper.OrphanFinder{reaper.Unavailable(noCluster), finder}}
	opts := reaper.DefaultOptions()
	opts.SightingsDir = dir
	out, err := run(t, r, opts)
	if !errors.Is(err, noCluster) || !slices.Equal(eng.gone(), []string{"pr-2"}) || !strings.Contains(out, "orphan database") {
		t.Errorf("Run = %v, destroyed %v, printed\n%s\nwant the reap and the other finder's report, and the error", err, eng.gone(), out)
	}
	if got, want := sighted(t, dir), []string{"database:prenv_shop_pr_1", "route:/routes/pr-9.json"}; !slices.Equal(got, want) {
		t.Errorf("sightings %v, want %v (the earlier one kept)", got, want)
	}
}

func TestSweepRejectsACorruptSightingsFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "shop.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	finder := &fakeFinder{orphans: []stacks.Orphan{{Kind: "database", Name: "prenv_shop_pr_1", Env: "pr-1"}}}
	opts := reaper.DefaultOptions()
	opts.SightingsDir, opts.OrphanGrace = dir, 0
	_, err := run(t, orphanReaper(finder), opts)
	if err == nil || !strings.Contains(err.Error(), "delete the file to start the grace periods anew") || len(finder.swept) > 0 {
		t.Errorf("Run = %v, swept %v; want the file named and nothing swept", err, finder.swept)
	}
}
