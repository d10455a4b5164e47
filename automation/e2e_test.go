package automation_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks"
)

const project = "e2e"

// newEngine returns a Pulumi engine on a fresh file:// backend whose
// program is made by program.
func newEngine(t *testing.T, program automation.ProgramFunc) *automation.Pulumi {
	t.Helper()
	return newEngineOn(t, testenv.Backend(t), program)
}

func newEngineOn(t *testing.T, backend string, program automation.ProgramFunc) *automation.Pulumi {
	t.Helper()
	eng, err := automation.NewPulumi(t.Context(), automation.PulumiConfig{
		Project:    project,
		BackendURL: backend,
		Binary:     testenv.Pulumi(t),
		Passphrase: "test-passphrase",
		Program:    program,
	})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

func noneProgram(env stacks.Env) (pulumi.RunFunc, error) {
	return stacks.None{}.Program(nil, env), nil
}

func prEnv(t *testing.T, pr int) stacks.Env {
	t.Helper()
	bp := &stacks.Blueprint{Project: project, TTL: stacks.Duration{Duration: time.Hour}}
	env, err := stacks.NewEnv(bp, stacks.EnvOptions{PR: pr, Repo: "acme/shop", SHA: "abc123"})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	eng := newEngine(t, noneProgram)
	env := prEnv(t, 7)

	preview, err := eng.Preview(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	if preview.Changes["create"] != 1 {
		t.Errorf("preview of a new stack = %v, want 1 create", preview.Changes)
	}
	first, err := eng.Up(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	if got := first.Outputs[automation.OutputCreatedAt].Value; got != env.CreatedAt.Format(time.RFC3339) {
		t.Errorf("output %s = %v, want %v", automation.OutputCreatedAt, got, env.CreatedAt.Format(time.RFC3339))
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
	if got, want := second.Outputs["expiresAt"].Value, env.ExpiresAt.Format(time.RFC3339); got != want {
		t.Errorf("expiry after second up = %v, want %v (counted from the first creation)", got, want)
	}

	refreshed, err := eng.Refresh(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	if refreshed.Changed() || refreshed.Outputs["env"].Value != "pr-7" {
		t.Errorf("refresh = %+v, want no change and the outputs", refreshed)
	}

	list, err := eng.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != "pr-7" || !list[0].CreatedAt.Equal(env.CreatedAt) || !list[0].ExpiresAt.Equal(env.ExpiresAt) {
		t.Errorf("List = %+v, want one stack pr-7 created %s, expiring %s", list, env.CreatedAt, env.ExpiresAt)
	}

	if _, err := eng.Destroy(ctx, env, automation.Remove()); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Outputs(ctx, env); !errors.Is(err, automation.ErrStackNotFound) {
		t.Errorf("Outputs after destroy: err = %v, want ErrStackNotFound", err)
	}
	if _, err := eng.Destroy(ctx, env, automation.Remove()); err != nil {
		t.Errorf("second destroy: %v, want success", err)
	}
	if _, err := eng.Destroy(ctx, prEnv(t, 99), automation.Remove()); err != nil {
		t.Errorf("destroy of a stack that never existed: %v, want success", err)
	}
}

// gate is a program that records how many runs are inside it at once.
type gate struct {
	inside, peak atomic.Int32
	hold         atomic.Int64 // time.Duration
	entered      chan struct{}
}

func newGate(hold time.Duration, signal bool) *gate {
	g := &gate{}
	g.hold.Store(int64(hold))
	if signal {
		g.entered = make(chan struct{}, 1)
	}
	return g
}

func (g *gate) program(env stacks.Env) (pulumi.RunFunc, error) {
	return func(ctx *pulumi.Context) error {
		n := g.inside.Add(1)
		defer g.inside.Add(-1)
		for {
			p := g.peak.Load()
			if n <= p || g.peak.CompareAndSwap(p, n) {
				break
			}
		}
		if g.entered != nil {
			select {
			case g.entered <- struct{}{}:
			default:
			}
		}
		if !ctx.DryRun() {
			select {
			case <-time.After(time.Duration(g.hold.Load())):
			case <-ctx.Context().Done(): // pulumi went away: the run was cancelled
				return ctx.Context().Err()
			}
		}
		ctx.Export("env", pulumi.String(env.Name))
		return nil
	}, nil
}

func TestRacingUpsNeverOverlap(t *testing.T) {
	t.Parallel()
	g := newGate(500*time.Millisecond, false)
	eng := newEngine(t, g.program)
	env := prEnv(t, 1)
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
	if peak := g.peak.Load(); peak != 1 {
		t.Errorf("peak concurrent program runs = %d, want 1", peak)
	}
	if _, err := eng.Outputs(t.Context(), env); err != nil {
		t.Errorf("state after racing ups: %v", err)
	}
}

func TestLockedFailsAfterBound(t *testing.T) {
	t.Parallel()
	g := newGate(8*time.Second, true)
	eng := newEngine(t, g.program)
	env := prEnv(t, 2)
	holder := make(chan error, 1)
	go func() {
		_, err := eng.Up(t.Context(), env)
		holder <- err
	}()
	<-g.entered
	var progress strings.Builder
	_, err := eng.Up(t.Context(), env, automation.WaitForLock(4*time.Second), automation.Progress(&progress))
	if !automation.IsLocked(err) {
		t.Fatalf("second up: err = %v, want ErrLocked", err)
	}
	var locked *automation.LockedError
	if !errors.As(err, &locked) || len(locked.Holders) != 1 || locked.Holders[0].PID == 0 {
		t.Errorf("LockedError = %+v, want one holder with a pid", locked)
	}
	if !strings.Contains(progress.String(), "waiting for the lock of pr-2") {
		t.Errorf("progress does not mention waiting:\n%s", progress.String())
	}
	wrapped := errors.Join(errors.New("context"), err)
	if !automation.IsLocked(wrapped) {
		t.Error("IsLocked of a wrapped ErrLocked = false")
	}
	if err := <-holder; err != nil {
		t.Fatalf("first up: %v", err)
	}
	if _, err := eng.Outputs(t.Context(), env); err != nil {
		t.Errorf("state after the locked run: %v", err)
	}
}

func TestCancelReleasesLock(t *testing.T) {
	t.Parallel()
	g := newGate(time.Minute, true)
	eng := newEngine(t, g.program)
	env := prEnv(t, 3)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := eng.Up(ctx, env)
		done <- err
	}()
	<-g.entered
	cancelled := time.Now()
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled up: err = %v, want context.Canceled", err)
	}
	if took := time.Since(cancelled); took > 10*time.Second {
		t.Errorf("cancelled up returned after %s, want under 10s", took)
	}
	g.hold.Store(0)
	if _, err := eng.Up(t.Context(), env); err != nil {
		t.Fatalf("up after cancel: %v", err)
	}
}
