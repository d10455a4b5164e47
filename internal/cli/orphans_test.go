package cli

import (
	"strings"
	"testing"

	"github.com/prenv/prenv/stacks/local"
)

func TestSweepRefusal(t *testing.T) {
	t.Parallel()
	due := []local.Orphan{{Kind: "database", Env: "pr-1"}, {Kind: "role", Env: "pr-1"}, {Kind: "database", Env: "pr-2"}}
	for _, tc := range []struct {
		name   string
		stacks []string
		flags  reapFlags
		want   string
	}{
		{"some stacks, few environments", []string{"baseline"}, reapFlags{maxDeletions: 20}, ""},
		{"no stacks at all", nil, reapFlags{maxDeletions: 20}, "no stacks at all"},
		{"more environments than max-deletions", []string{"baseline"}, reapFlags{maxDeletions: 1}, "2 environments, over --max-deletions 1"},
		{"forced", nil, reapFlags{maxDeletions: 1, force: true}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := sweepRefusal(tc.stacks, due, &tc.flags)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("sweepRefusal = %q, want %q", got, tc.want)
			}
		})
	}
}
