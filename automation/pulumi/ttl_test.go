package pulumi_test

import (
	"errors"
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/automation/internal/enginetest"
	"github.com/prenv/prenv/automation/pulumi"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks"
)

// envAt is PR pr's environment as a run at now would derive it, with a
// one-hour TTL.
func envAt(t *testing.T, pr int, now time.Time) stacks.Env {
	t.Helper()
	bp := &stacks.Blueprint{Project: enginetest.Project, TTL: stacks.Duration{Duration: time.Hour}}
	env, err := stacks.NewEnv(bp, stacks.EnvOptions{PR: pr, Repo: "acme/shop", SHA: "abc123", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func lifetime(t *testing.T, eng *pulumi.Engine, stack string) (created, expires time.Time) {
	t.Helper()
	list, err := eng.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if s.Name == stack {
			return s.CreatedAt, s.ExpiresAt
		}
	}
	t.Fatalf("stack %s not listed", stack)
	return
}

func TestTTLCountsFromCreationOrLastUpdate(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		fromUpdate bool
		want       time.Time
	}{
		{false, t0.Add(time.Hour)},
		{true, t0.Add(30*time.Minute + time.Hour)},
	} {
		eng, err := pulumi.New(t.Context(), pulumi.Config{
			Project: enginetest.Project, BackendURL: testenv.Backend(t), Binary: testenv.Pulumi(t),
			Passphrase: "test-passphrase", Program: noneProgram, TTLFromUpdate: tc.fromUpdate,
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range []time.Time{t0, t0.Add(30 * time.Minute)} {
			if _, err := eng.Up(t.Context(), envAt(t, 4, at)); err != nil {
				t.Fatal(err)
			}
		}
		created, expires := lifetime(t, eng, "pr-4")
		if !created.Equal(t0) || !expires.Equal(tc.want) {
			t.Errorf("ttl-from-update=%v: created %v, expires %v; want %v, %v", tc.fromUpdate, created, expires, t0, tc.want)
		}
		plan, err := automation.PlanReap([]automation.StackInfo{{Name: "pr-4", CreatedAt: created, ExpiresAt: expires}},
			automation.ReapPolicy{Now: t0.Add(70 * time.Minute), OpenPRs: []int{4}, Force: true})
		if err != nil {
			t.Fatal(err)
		}
		if wantReap := !tc.fromUpdate; plan[0].Reap != wantReap {
			t.Errorf("ttl-from-update=%v: at +70m reap = %v (%s), want %v", tc.fromUpdate, plan[0].Reap, plan[0].Reason, wantReap)
		}
	}
}

func TestExtendMovesOnlyTheExpiry(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	eng := newEngine(t, noneProgram)
	t0 := time.Now().UTC().Truncate(time.Second)
	if _, err := eng.Up(ctx, envAt(t, 5, t0)); err != nil {
		t.Fatal(err)
	}
	until := t0.Add(48 * time.Hour)
	res, err := eng.Up(ctx, envAt(t, 5, t0.Add(time.Minute)), automation.Extend(until))
	if err != nil {
		t.Fatal(err)
	}
	if res.Changes["create"]+res.Changes["delete"]+res.Changes["replace"] != 0 {
		t.Errorf("extend changed resources: %v", res.Changes)
	}
	created, expires := lifetime(t, eng, "pr-5")
	if !created.Equal(t0) || !expires.Equal(until) {
		t.Errorf("after extend: created %v, expires %v; want %v, %v", created, expires, t0, until)
	}
	// A later update with the default TTL keeps the extension.
	if _, err := eng.Up(ctx, envAt(t, 5, t0.Add(2*time.Minute))); err != nil {
		t.Fatal(err)
	}
	if _, expires := lifetime(t, eng, "pr-5"); !expires.Equal(until) {
		t.Errorf("an update after extend moved the expiry to %v; want %v kept", expires, until)
	}
	_, err = eng.Up(ctx, envAt(t, 6, t0), automation.Extend(until))
	if !errors.Is(err, automation.ErrStackNotFound) {
		t.Errorf("extending a missing stack: err = %v, want ErrStackNotFound", err)
	}
	if list, _ := eng.List(ctx); len(list) != 1 {
		t.Errorf("extending a missing stack created one: %d stacks", len(list))
	}
}
