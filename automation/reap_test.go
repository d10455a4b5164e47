package automation

import (
	"strings"
	"testing"
	"time"
)

func TestPlanReap(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	owned := func(name string, expires time.Duration) StackInfo {
		return StackInfo{Name: name, CreatedAt: now.Add(-48 * time.Hour), ExpiresAt: now.Add(expires), ResourceCount: 3}
	}
	stacks := []StackInfo{
		owned("pr-1", time.Hour),       // open, fresh: kept
		owned("pr-2", time.Hour),       // closed: reaped
		owned("pr-3", -time.Minute),    // open but expired: reaped
		owned("pr-4", time.Hour),       // closed but protected
		owned("baseline", -time.Hour),  // never
		owned("pr-05", -time.Hour),     // not a name prenv makes
		{Name: "pr-6", ExpiresAt: now}, // no lifetime outputs: not provably ours
		{Name: "pr-7", CreatedAt: now.Add(-time.Hour), Running: true},
		owned("pr-8", time.Hour), owned("pr-9", time.Hour), owned("pr-10", time.Hour),
	}
	plan, err := PlanReap(stacks, ReapPolicy{Now: now, OpenPRs: []int{1, 3, 7, 8, 9, 10}, Protect: []string{"pr-4"}})
	if err != nil {
		t.Fatal(err)
	}
	other := append(stacks, StackInfo{Name: "pr-11", CreatedAt: now.Add(-time.Hour), ExpiresAt: now.Add(-time.Minute), Repo: "acme/other"})
	if plan, err := PlanReap(other, ReapPolicy{Now: now, OpenPRs: []int{1, 3, 7, 8, 9, 10}, Protect: []string{"pr-4"}, Repo: "acme/shop"}); err != nil || plan[len(plan)-1].Reap {
		t.Errorf("another repository's expired stack: %+v, %v; want it kept", plan[len(plan)-1], err)
	}
	want := map[string]string{
		"pr-1": "keep:open and within its TTL", "pr-2": "reap:closed", "pr-3": "reap:expired",
		"pr-4": "keep:protected", "baseline": "keep:not a PR environment", "pr-05": "keep:not a PR environment",
		"pr-6": "keep:no prenv lifetime outputs: not provably prenv's", "pr-7": "keep:an update holds it",
	}
	for _, d := range plan {
		w, ok := want[d.Stack.Name]
		if !ok {
			continue
		}
		got := "keep:" + d.Reason
		if d.Reap {
			got = "reap:" + d.Reason
		}
		if got != w {
			t.Errorf("%s: %s, want %s", d.Stack.Name, got, w)
		}
	}
}

func TestPlanReapRefusesLargePlans(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	var stacks []StackInfo
	for _, name := range []string{"pr-1", "pr-2", "pr-3", "pr-4"} {
		stacks = append(stacks, StackInfo{Name: name, CreatedAt: now.Add(-time.Hour), ExpiresAt: now.Add(time.Hour)})
	}
	tests := []struct {
		name    string
		policy  ReapPolicy
		wantErr string
	}{
		{"an empty open-PR list would reap everything", ReapPolicy{Now: now}, "more than half"},
		{"forced", ReapPolicy{Now: now, Force: true}, ""},
		{"over the maximum even when forced", ReapPolicy{Now: now, Force: true, MaxDeletions: 3}, "over the maximum of 3"},
		{"half is allowed", ReapPolicy{Now: now, OpenPRs: []int{1, 2}}, ""},
		{"expired ones are not doubted", ReapPolicy{Now: now.Add(2 * time.Hour), OpenPRs: []int{1, 2, 3, 4}}, ""},
		{"the last environment, closed", ReapPolicy{Now: now, OpenPRs: []int{1, 2, 3}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := PlanReap(stacks, tt.policy)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("PlanReap error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestPlanReapGroups: a PR group is reaped when none of its members is
// open or its TTL has passed, and kept like a PR's stack otherwise.
func TestPlanReapGroups(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	group := func(name string, expires time.Duration, members ...string) StackInfo {
		return StackInfo{Name: name, CreatedAt: now.Add(-time.Hour), ExpiresAt: now.Add(expires), Members: members}
	}
	stacks := []StackInfo{
		group("grp-live", time.Hour, "pr-12", "pr-15"),     // one member open: kept
		group("grp-gone", time.Hour, "pr-13", "pr-16"),     // every member closed: reaped
		group("grp-empty", time.Hour),                      // no members left: reaped
		group("grp-old", -time.Minute, "pr-12"),            // expired: reaped
		group("grp-kept", time.Hour, "pr-13"),              // protected
		group("grp-Bad", -time.Hour),                       // not a name prenv makes
		{Name: "grp-bare", ExpiresAt: now.Add(-time.Hour)}, // no lifetime outputs
		owned(now, "pr-12"), owned(now, "pr-15"), owned(now, "pr-20"), owned(now, "pr-21"), owned(now, "pr-22"),
	}
	plan, err := PlanReap(stacks, ReapPolicy{Now: now, OpenPRs: []int{12, 15, 20, 21, 22}, Protect: []string{"grp-kept"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"grp-live": "keep:open and within its TTL", "grp-gone": "reap:closed: no member is open", "grp-empty": "reap:closed: no member is open",
		"grp-old": "reap:expired", "grp-kept": "keep:protected", "grp-Bad": "keep:not a PR environment",
		"grp-bare": "keep:no prenv lifetime outputs: not provably prenv's",
	}
	for _, d := range plan {
		w, ok := want[d.Stack.Name]
		if !ok {
			continue
		}
		got := "keep:" + d.Reason
		if d.Reap {
			got = "reap:" + d.Reason
		}
		if got != w {
			t.Errorf("%s: %s, want %s", d.Stack.Name, got, w)
		}
		delete(want, d.Stack.Name)
	}
	if len(want) != 0 {
		t.Errorf("no decision for %v", want)
	}
}

func owned(now time.Time, name string) StackInfo {
	return StackInfo{Name: name, CreatedAt: now.Add(-time.Hour), ExpiresAt: now.Add(time.Hour)}
}
