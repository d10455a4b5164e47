package pulumi

import (
	"slices"
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
)

func TestUpArgs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []automation.Option
		want []string
	}{
		{"plain", nil, []string{"up", "--yes", "--skip-preview", "--stack", "pr-1", "--client=127.0.0.1:5",
			"--exec-kind=auto.inline", "--event-log", "tcp://127.0.0.1:6", "--color=never", "--suppress-progress"}},
		{"refresh first", []automation.Option{automation.RefreshFirst()}, []string{"up", "--yes", "--skip-preview", "--stack", "pr-1", "--client=127.0.0.1:5",
			"--exec-kind=auto.inline", "--event-log", "tcp://127.0.0.1:6", "--color=never", "--suppress-progress", "--refresh"}},
		{"extend", []automation.Option{automation.Extend(time.Now())}, []string{"up", "--yes", "--skip-preview", "--stack", "pr-1", "--client=127.0.0.1:5",
			"--exec-kind=auto.inline", "--event-log", "tcp://127.0.0.1:6", "--color=never", "--suppress-progress",
			"--target", "urn:pulumi:pr-1::shop::pulumi:pulumi:Stack::shop-pr-1"}},
		{"targets and message", []automation.Option{automation.Targets("urn:pulumi:*::shop::prenv:local:Database::db", "urn:pulumi:pr-1::shop::prenv:local:Route::route"), automation.TargetDependents(), automation.Message("PR #1: add a page")},
			[]string{"up", "--yes", "--skip-preview", "--stack", "pr-1", "--client=127.0.0.1:5",
				"--exec-kind=auto.inline", "--event-log", "tcp://127.0.0.1:6", "--color=never", "--suppress-progress",
				"--message", "PR #1: add a page",
				"--target", "urn:pulumi:*::shop::prenv:local:Database::db", "--target", "urn:pulumi:pr-1::shop::prenv:local:Route::route", "--target-dependents"}},
		{"extend ignores targets", []automation.Option{automation.Targets("urn:pulumi:*::shop::prenv:local:Database::db"), automation.Extend(time.Now())},
			[]string{"up", "--yes", "--skip-preview", "--stack", "pr-1", "--client=127.0.0.1:5",
				"--exec-kind=auto.inline", "--event-log", "tcp://127.0.0.1:6", "--color=never", "--suppress-progress",
				"--target", "urn:pulumi:pr-1::shop::pulumi:pulumi:Stack::shop-pr-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := upArgs("pr-1", "shop", "127.0.0.1:5", "tcp://127.0.0.1:6", automation.Resolve(tt.opts))
			if !slices.Equal(got, tt.want) {
				t.Errorf("upArgs = %q\nwant %q", got, tt.want)
			}
		})
	}
}
