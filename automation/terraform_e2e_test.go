package automation_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/modules"
	"github.com/prenv/prenv/stacks"
)

// engineCase builds one engine for the engine-agnostic tests: one that
// creates a single resource holding the environment's name, and one whose
// every up passes through a gate.
type engineCase struct {
	name string
	none func(t *testing.T) automation.Engine
	gate func(t *testing.T, hold time.Duration) (automation.Engine, holdGate)
}

// holdGate is a program (or module) that holds each up for a while.
type holdGate interface {
	entered(t *testing.T) // blocks until an up is inside
	setHold(d time.Duration)
	overlapped() bool // two ups were ever inside at once
}

var engineCases = []engineCase{
	{
		name: "pulumi",
		none: func(t *testing.T) automation.Engine { return newEngine(t, noneProgram) },
		gate: func(t *testing.T, hold time.Duration) (automation.Engine, holdGate) {
			g := newGate(hold, true)
			return newEngine(t, g.program), pulumiGate{g}
		},
	},
	{
		name: "terraform",
		none: func(t *testing.T) automation.Engine {
			mod, err := modules.For("none")
			if err != nil {
				t.Fatal(err)
			}
			return newTerraform(t, mod, nil)
		},
		gate: func(t *testing.T, hold time.Duration) (automation.Engine, holdGate) {
			g := &tfGate{dir: t.TempDir()}
			g.setHold(hold)
			return newTerraform(t, os.DirFS("testdata/tfgate"), g.vars), g
		},
	},
}

func newTerraform(t *testing.T, module fs.FS, vars automation.VarsFunc) *automation.Terraform {
	t.Helper()
	eng, err := automation.NewTerraform(t.Context(), automation.TerraformConfig{
		Project:  project,
		StateDir: t.TempDir(),
		Binary:   testenv.Terraform(t),
		Module:   module,
		Vars:     vars,
	})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

type pulumiGate struct{ g *gate }

func (p pulumiGate) entered(*testing.T)      { <-p.g.entered }
func (p pulumiGate) setHold(d time.Duration) { p.g.hold.Store(int64(d)) }
func (p pulumiGate) overlapped() bool        { return p.g.peak.Load() > 1 }

// tfGate drives testdata/tfgate: a fresh run id replaces its resource on
// every up, and its provisioner marks entries and overlaps in dir.
type tfGate struct {
	dir  string
	runs atomic.Int64
	hold atomic.Int64
}

func (g *tfGate) vars(stacks.Env) (map[string]any, error) {
	return map[string]any{
		"run":  fmt.Sprint(g.runs.Add(1)),
		"dir":  g.dir,
		"hold": time.Duration(g.hold.Load()).Seconds(),
	}, nil
}

func (g *tfGate) setHold(d time.Duration) { g.hold.Store(int64(d)) }

func (g *tfGate) overlapped() bool {
	_, err := os.Stat(filepath.Join(g.dir, "overlap"))
	return err == nil
}

func (g *tfGate) entered(t *testing.T) {
	t.Helper()
	path := filepath.Join(g.dir, "entered")
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if os.Remove(path) == nil {
			return
		}
	}
	t.Fatal("no up entered the gate within a minute")
}

func TestEngineLifecycle(t *testing.T) {
	t.Parallel()
	for _, c := range engineCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			eng := c.none(t)
			env := prEnv(t, 7)

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
			if _, err := eng.Destroy(ctx, prEnv(t, 99), automation.Remove()); err != nil {
				t.Errorf("destroy of a stack that never existed: %v, want success", err)
			}
		})
	}
}

func TestEngineRacingUpsNeverOverlap(t *testing.T) {
	t.Parallel()
	for _, c := range engineCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			eng, g := c.gate(t, 500*time.Millisecond)
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
			if g.overlapped() {
				t.Error("two ups were inside the program at once")
			}
			if _, err := eng.Outputs(t.Context(), env); err != nil {
				t.Errorf("state after racing ups: %v", err)
			}
		})
	}
}

func TestEngineLockedFailsAfterBound(t *testing.T) {
	t.Parallel()
	for _, c := range engineCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			eng, g := c.gate(t, 8*time.Second)
			env := prEnv(t, 2)
			holder := make(chan error, 1)
			go func() {
				_, err := eng.Up(t.Context(), env)
				holder <- err
			}()
			g.entered(t)
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
		})
	}
}

func TestEngineCancelReleasesLock(t *testing.T) {
	t.Parallel()
	for _, c := range engineCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			eng, g := c.gate(t, time.Minute)
			env := prEnv(t, 3)
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			go func() {
				_, err := eng.Up(ctx, env)
				done <- err
			}()
			g.entered(t)
			cancelled := time.Now()
			cancel()
			err := <-done
			if !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled up: err = %v, want context.Canceled", err)
			}
			if took := time.Since(cancelled); took > 10*time.Second {
				t.Errorf("cancelled up returned after %s, want under 10s", took)
			}
			g.setHold(0)
			if _, err := eng.Up(t.Context(), env); err != nil {
				t.Fatalf("up after cancel: %v", err)
			}
		})
	}
}
