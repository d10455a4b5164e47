package reaper_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/reaper"
)

var now = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// run runs r with opts at now, and returns what it printed.
func run(t *testing.T, r *reaper.Reaper, opts reaper.Options) (string, error) {
	t.Helper()
	var out strings.Builder
	opts.Out = &out
	if opts.Now.IsZero() {
		opts.Now = now
	}
	err := r.Run(t.Context(), opts)
	return out.String(), err
}

func TestRunReapsClosedAndExpiredStacks(t *testing.T) {
	t.Parallel()
	eng := &fakeEngine{stacks: []automation.StackInfo{
		{Name: "baseline", CreatedAt: now.Add(-time.Hour)},
		prenvStack("pr-1", now, now.Add(time.Hour)),  // open, within its TTL
		prenvStack("pr-2", now, now.Add(time.Hour)),  // closed
		prenvStack("pr-3", now, now.Add(-time.Hour)), // open, expired
		prenvStack("pr-4", now, now.Add(time.Hour)),  // closed, protected
		{Name: "pr-5"}, // no lifetime outputs: not provably prenv's
		{Name: "pr-6", CreatedAt: now.Add(-time.Hour), Repo: "acme/other"},
	}}
	notifier := &fakeNotifier{}
	summary := filepath.Join(t.TempDir(), "summary.md")
	opts := reaper.DefaultOptions()
	opts.Protect, opts.Repo, opts.StepSummary = []string{"pr-4"}, "acme/shop", summary
	reapRun := automation.RunInfo{Repo: "acme/shop", RunID: 77, Attempt: 1, Job: "reap"}
	opts.Engine = []automation.Option{automation.Run(reapRun)}
	r := &reaper.Reaper{Project: "shop", Engine: eng, PRs: reaper.StaticPRs{Open: []int{1, 3}}, Notifier: notifier}

	out, err := run(t, r, opts)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, out)
	}
	if got, want := eng.gone(), []string{"pr-2", "pr-3"}; !slices.Equal(got, want) {
		t.Errorf("destroyed %v, want %v", got, want)
	}
	if !slices.Equal(eng.runs, []automation.RunInfo{reapRun, reapRun}) {
		t.Errorf("the destroys were told they belong to %v, want %s each", eng.runs, reapRun)
	}
	for _, want := range []string{"destroyed (closed)", "destroyed (expired)", "protected", "not provably prenv's", "another repository's", "open and within its TTL"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}
	if got := slices.Sorted(slices.Values(notifier.deactivated)); !slices.Equal(got, []string{"pr-2", "pr-3"}) {
		t.Errorf("deployments deactivated for %v, want pr-2 and pr-3", got)
	}
	if want := []string{"pr-3 of shop at " + now.Add(-time.Hour).Format(time.RFC3339)}; !slices.Equal(notifier.expired, want) {
		t.Errorf("expiry comments %v, want %v", notifier.expired, want)
	}
	if data, _ := os.ReadFile(summary); !strings.Contains(string(data), "| `pr-2` | closed |") {
		t.Errorf("step summary lacks pr-2's row:\n%s", data)
	}
}

func TestRunChangesNothing(t *testing.T) {
	t.Parallel()
	owned := []automation.StackInfo{
		prenvStack("pr-1", now, now.Add(time.Hour)), prenvStack("pr-2", now, now.Add(time.Hour)),
		prenvStack("pr-3", now, now.Add(time.Hour)), prenvStack("pr-4", now, now.Add(time.Hour)),
	}
	missed := errors.New("PR #2 is open but the listing missed it")
	listFailed := errors.New("GitHub said 500")
	for _, tc := range []struct {
		name    string
		stacks  []automation.StackInfo
		prs     fakePRs
		opts    func(*reaper.Options)
		wantErr string // "" for none
		refused bool
		table   string // in the printed table; "" for no table
	}{
		{"dry run", owned, fakePRs{open: []int{1, 3}}, func(o *reaper.Options) { o.DryRun = true }, "", false, "dry run (closed)"},
		{"over max deletions", owned, fakePRs{open: []int{1, 3}}, func(o *reaper.Options) { o.MaxDeletions = 1 }, "over the maximum of 1", true, "refused, not run (closed)"},
		{"more than half as closed", owned, fakePRs{open: []int{1}}, nil, "more than half", true, "refused, not run (closed)"},
		{"a listing that missed an open PR", owned, fakePRs{open: []int{1, 3}, confirmErr: missed}, nil, missed.Error(), true, "refused, not run (closed)"},
		{"no stack shows prenv's lifetime", []automation.StackInfo{{Name: "pr-1"}, {Name: "pr-2"}}, fakePRs{}, nil, "none of the 2 pr-<n> stacks", true, "not provably prenv's"},
		{"the listing failed", owned, fakePRs{listErr: listFailed}, nil, "GitHub said 500; nothing was reaped", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			eng, notifier, finder := &fakeEngine{stacks: tc.stacks}, &fakeNotifier{}, &fakeFinder{}
			r := &reaper.Reaper{Project: "shop", Engine: eng, PRs: tc.prs, Notifier: notifier, Orphans: []reaper.OrphanFinder{finder}}
			r.AfterReap = func(_ context.Context, reaped []string, _ io.Writer) error {
				t.Errorf("AfterReap ran for %v after a reap that destroyed nothing", reaped)
				return nil
			}
			opts := reaper.DefaultOptions()
			if tc.opts != nil {
				tc.opts(&opts)
			}
			out, err := run(t, r, opts)
			if (err == nil) != (tc.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) || reaper.IsRefused(err) != tc.refused {
				t.Errorf("Run = %v (refused %v), want %q (refused %v)", err, reaper.IsRefused(err), tc.wantErr, tc.refused)
			}
			if (tc.table == "") != (out == "") || !strings.Contains(out, tc.table) {
				t.Errorf("Run printed\n%s\nwant %q", out, tc.table)
			}
			if gone := eng.gone(); len(gone) > 0 || len(notifier.deactivated) > 0 || len(finder.swept) > 0 {
				t.Errorf("destroyed %v, deactivated %v, swept %v; want nothing changed", gone, notifier.deactivated, finder.swept)
			}
		})
	}
}

func TestRunGoesOnPastAFailedDestroy(t *testing.T) {
	t.Parallel()
	eng := &fakeEngine{
		stacks: []automation.StackInfo{prenvStack("pr-1", now, now.Add(time.Hour)), prenvStack("pr-2", now, now.Add(-time.Hour)), prenvStack("pr-3", now, now.Add(-time.Hour))},
		fail:   map[string]error{"pr-2": errors.New("the provider timed out")},
	}
	notifier := &fakeNotifier{}
	var followed [][]string
	r := &reaper.Reaper{Project: "shop", Engine: eng, PRs: reaper.StaticPRs{Open: []int{1, 2, 3}}, Notifier: notifier,
		AfterReap: func(_ context.Context, reaped []string, _ io.Writer) error {
			followed = append(followed, reaped)
			return errors.New("the routes stack is locked")
		}}
	out, err := run(t, r, reaper.DefaultOptions())
	if err == nil || !strings.Contains(err.Error(), "pr-2: the provider timed out") || !strings.Contains(err.Error(), "the routes stack is locked") {
		t.Errorf("Run = %v, want pr-2's failure and AfterReap's", err)
	}
	if len(followed) != 1 || !slices.Equal(slices.Sorted(slices.Values(followed[0])), []string{"pr-2", "pr-3"}) {
		t.Errorf("AfterReap ran for %v, want once for pr-2 and pr-3, the failed destroy included", followed)
	}
	if got := eng.gone(); !slices.Equal(got, []string{"pr-3"}) {
		t.Errorf("destroyed %v, want pr-3 despite pr-2's failure", got)
	}
	if !strings.Contains(out, "FAILED") || !slices.Equal(notifier.deactivated, []string{"pr-3"}) {
		t.Errorf("deactivated %v, printed\n%s\nwant pr-2 FAILED and only pr-3 deactivated", notifier.deactivated, out)
	}
}

// TestTableSaysUnknownForUnjudgedPRs: the table says a PR is open or
// closed only when the plan judged it; a stack whose lifetime it could not
// read (or that it kept for another reason first) is "unknown", not open.
func TestTableSaysUnknownForUnjudgedPRs(t *testing.T) {
	t.Parallel()
	eng := &fakeEngine{stacks: []automation.StackInfo{
		prenvStack("pr-1", now, now.Add(time.Hour)),  // open, within its TTL
		prenvStack("pr-2", now, now.Add(time.Hour)),  // closed
		prenvStack("pr-3", now, now.Add(-time.Hour)), // open, expired
		{Name: "pr-5"}, // lifetime unreadable
		prenvStack("pr-7", now, now.Add(time.Hour)), // closed, protected
		{Name: "baseline", CreatedAt: now},
	}}
	opts := reaper.DefaultOptions()
	opts.DryRun, opts.Protect = true, []string{"pr-7"}
	out, err := run(t, &reaper.Reaper{Project: "shop", Engine: eng, PRs: reaper.StaticPRs{Open: []int{1, 3}}}, opts)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, out)
	}
	for stack, want := range map[string]string{"pr-1": "open", "pr-2": "closed", "pr-3": "open", "pr-5": "unknown", "pr-7": "unknown", "baseline": "-"} {
		var fields []string
		for _, line := range strings.Split(out, "\n") {
			if f := strings.Fields(line); len(f) > 1 && f[0] == stack {
				fields = f
			}
		}
		if len(fields) < 2 || fields[1] != want {
			t.Errorf("%s's PR column = %v, want %s:\n%s", stack, fields, want, out)
		}
	}
}
