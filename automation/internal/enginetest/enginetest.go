// Package enginetest holds the end-to-end tests that every engine must
// pass, whatever drives it: each driver's own tests run them against its
// engine, built by a Case.
//
//	func TestEngineLifecycle(t *testing.T) {
//		t.Parallel()
//		enginetest.Lifecycle(t, engines)
//	}
//
// They run the real CLI, so a missing one fails them as internal/testenv
// says.
package enginetest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// Project is the project of every stack the tests make.
const Project = "e2e"

// Case builds one driver's engines for the tests.
type Case struct {
	// None returns an engine that creates a single resource holding the
	// environment's name, and exports it as env and the PR as pr.
	None func(t *testing.T) automation.Engine
	// Gate returns an engine whose every up passes through a gate that
	// holds it for hold.
	Gate func(t *testing.T, hold time.Duration) (automation.Engine, HoldGate)
}

// HoldGate is a program (or module) that holds each up for a while.
type HoldGate interface {
	Entered(t *testing.T) // blocks until an up is inside
	SetHold(d time.Duration)
	Overlapped() bool // two ups were ever inside at once
}

// Env is PR pr's environment of Project, with a one-hour TTL.
func Env(t *testing.T, pr int) stacks.Env {
	t.Helper()
	bp := &stacks.Blueprint{Project: Project, TTL: stacks.Duration{Duration: time.Hour}}
	env, err := stacks.NewEnv(bp, stacks.EnvOptions{PR: pr, Repo: "acme/shop", SHA: "abc123"})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// Lifecycle previews, creates, updates, refreshes, extends, lists and
// destroys one environment, checking each result.
func Lifecycle(t *testing.T, c Case) {
	ctx := t.Context()
	eng := c.None(t)
	env := Env(t, 7)

	preview, err := eng.Preview(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	if preview.Changes["create"] == 0 || preview.Changes["delete"] != 0 {
		t.Errorf("preview of a new stack = %v, want only creates", preview.Changes)
	}
	first, err := eng.Up(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := first.Outputs[automation.OutputCreatedAt].Value, env.CreatedAt.Format(time.RFC3339); got != want {
		t.Errorf("output %s = %v, want %v", automation.OutputCreatedAt, got, want)
	}
	if got := first.Outputs["env"].Value; got != "pr-7" {
		t.Errorf("output env = %v, want pr-7", got)
	}
	if !first.Changed() {
		t.Errorf("first up changed nothing: %v", first.Changes)
	}
	outs, err := eng.Outputs(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	if got := outs["pr"].Value; got != float64(7) {
		t.Errorf("Outputs pr = %v (%T), want 7", got, got)
	}

	again := env
	again.CreatedAt = env.CreatedAt.Add(time.Hour)
	again.ExpiresAt = env.ExpiresAt.Add(time.Hour)
	second, err := eng.Up(ctx, again)
	if err != nil {
		t.Fatal(err)
	}
	if second.Changed() {
		t.Errorf("second up changed %v, want no change", second.Changes)
	}
	if got, want := second.Outputs[automation.OutputExpiresAt].Value, env.ExpiresAt.Format(time.RFC3339); got != want {
		t.Errorf("expiry after second up = %v, want %v (counted from the first creation)", got, want)
	}

	refreshed, err := eng.Refresh(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	if refreshed.Changed() || refreshed.Outputs["env"].Value != "pr-7" {
		t.Errorf("refresh = %+v, want no change and the outputs", refreshed)
	}

	later := env.ExpiresAt.Add(48 * time.Hour)
	extended, err := eng.Up(ctx, env, automation.Extend(later))
	if err != nil {
		t.Fatal(err)
	}
	if got := extended.Outputs[automation.OutputExpiresAt].Value; got != later.Format(time.RFC3339) || extended.Changed() {
		t.Errorf("extended up: expiry %v, changes %v; want %s and no resource change", got, extended.Changes, later.Format(time.RFC3339))
	}
	env.ExpiresAt = later

	list, err := eng.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != "pr-7" || !list[0].CreatedAt.Equal(env.CreatedAt) || !list[0].ExpiresAt.Equal(env.ExpiresAt) || list[0].Running {
		t.Errorf("List = %+v, want one idle stack pr-7 created %s, expiring %s", list, env.CreatedAt, env.ExpiresAt)
	}

	if _, err := eng.Destroy(ctx, env, automation.Remove()); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Outputs(ctx, env); !errors.Is(err, automation.ErrStackNotFound) {
		t.Errorf("Outputs after destroy: err = %v, want ErrStackNotFound", err)
	}
	if list, err := eng.List(ctx); err != nil || len(list) != 0 {
		t.Errorf("List after destroy and remove = %+v, %v; want none", list, err)
	}
	if _, err := eng.Destroy(ctx, env, automation.Remove()); err != nil {
		t.Errorf("second destroy: %v, want success", err)
	}
	if _, err := eng.Destroy(ctx, Env(t, 99), automation.Remove()); err != nil {
		t.Errorf("destroy of a stack that never existed: %v, want success", err)
	}
}

// RacingUpsNeverOverlap starts five ups of one environment at once: each
// waits for the lock, and no two are ever inside the program together.
func RacingUpsNeverOverlap(t *testing.T, c Case) {
	eng, g := c.Gate(t, 500*time.Millisecond)
	env := Env(t, 1)
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = eng.Up(t.Context(), env, automation.WaitForLock(3*time.Minute))
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("up %d: %v", i, err)
		}
	}
	if g.Overlapped() {
		t.Error("two ups were inside the program at once")
	}
	if _, err := eng.Outputs(t.Context(), env); err != nil {
		t.Errorf("state after racing ups: %v", err)
	}
}

// LockedFailsAfterBound holds the lock with one up while another waits
// for it: the waiter fails with a LockedError naming the holder once its
// WaitForLock bound passes, and the holder finishes.
func LockedFailsAfterBound(t *testing.T, c Case) {
	eng, g := c.Gate(t, 8*time.Second)
	env := Env(t, 2)
	holder := make(chan error, 1)
	go func() {
		_, err := eng.Up(t.Context(), env)
		holder <- err
	}()
	g.Entered(t)
	var progress strings.Builder
	_, err := eng.Up(t.Context(), env, automation.WaitForLock(4*time.Second), automation.Progress(&progress))
	if !automation.IsLocked(err) {
		t.Fatalf("second up: err = %v, want ErrLocked", err)
	}
	var locked *automation.LockedError
	if !errors.As(err, &locked) || len(locked.Holders) != 1 || locked.Holders[0].Host == "" || locked.Holders[0].PID == 0 {
		t.Errorf("LockedError = %+v, want one holder with a host and a pid", locked)
	}
	if !strings.Contains(progress.String(), "waiting for the lock of pr-2") {
		t.Errorf("progress does not mention waiting:\n%s", progress.String())
	}
	if !automation.IsLocked(errors.Join(errors.New("context"), err)) {
		t.Error("IsLocked of a wrapped ErrLocked = false")
	}
	if err := <-holder; err != nil {
		t.Fatalf("first up: %v", err)
	}
	if _, err := eng.Outputs(t.Context(), env); err != nil {
		t.Errorf("state after the locked run: %v", err)
	}
}

// CancelReleasesLock cancels an up's context while it holds the lock: it
// returns context.Canceled within the runner's 10 s, and the next up runs.
func CancelReleasesLock(t *testing.T, c Case) {
	eng, g := c.Gate(t, time.Minute)
	env := Env(t, 3)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := eng.Up(ctx, env)
		done <- err
	}()
	g.Entered(t)
	cancelled := time.Now()
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled up: err = %v, want context.Canceled", err)
	}
	if took := time.Since(cancelled); took > 10*time.Second {
		t.Errorf("cancelled up returned after %s, want under 10s", took)
	}
	g.SetHold(0)
	if _, err := eng.Up(t.Context(), env); err != nil {
		t.Fatalf("up after cancel: %v", err)
	}
}
