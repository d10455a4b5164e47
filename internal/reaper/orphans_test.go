package reaper

import (
	"strings"
	"testing"

	"github.com/prenv/prenv/stacks"
)

func TestSweepRefusal(t *testing.T) {
	t.Parallel()
	due := []stacks.Orphan{{Kind: "database", Env: "pr-1"}, {Kind: "role", Env: "pr-1"}, {Kind: "database", Env: "pr-2"}}
	for _, tc := range []struct {
		name   string
		stacks []string
		opts   Options
		want   string
	}{
		{"some stacks, few environments", []string{"baseline"}, Options{MaxDeletions: 20}, ""},
		{"no stacks at all", nil, Options{MaxDeletions: 20}, "no stacks at all"},
		{"more environments than max-deletions", []string{"baseline"}, Options{MaxDeletions: 1}, "2 environments, over --max-deletions 1"},
		{"forced", nil, Options{MaxDeletions: 1, Force: true}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := sweepRefusal(tc.stacks, due, tc.opts)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("sweepRefusal = %q, want %q", got, tc.want)
			}
		})
	}
}
