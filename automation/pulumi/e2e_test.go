package pulumi_test

import (
	"sync/atomic"
	"testing"
	"time"

	sdk "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/automation/internal/enginetest"
	"github.com/prenv/prenv/automation/pulumi"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks"
)

// enginesOn are the Pulumi engines the engine-agnostic tests of
// enginetest run against, on backend.
func enginesOn(backend string) enginetest.Case {
	return enginetest.Case{
		None: func(t *testing.T) automation.Engine { return newEngineOn(t, backend, noneProgram) },
		Gate: func(t *testing.T, hold time.Duration) (automation.Engine, enginetest.HoldGate) {
			g := newGate(hold, true)
			return newEngineOn(t, backend, g.program), pulumiGate{g}
		},
	}
}

// newEngine returns a Pulumi engine on a fresh file:// backend whose
// program is made by program.
func newEngine(t *testing.T, program pulumi.ProgramFunc) *pulumi.Engine {
	t.Helper()
	return newEngineOn(t, testenv.Backend(t), program)
}

func newEngineOn(t *testing.T, backend string, program pulumi.ProgramFunc) *pulumi.Engine {
	t.Helper()
	eng, err := pulumi.New(t.Context(), pulumi.Config{
		Project:    enginetest.Project,
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

func noneProgram(env stacks.Env) (sdk.RunFunc, error) {
	return stacks.None{}.Program(nil, env), nil
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

func (g *gate) program(env stacks.Env) (sdk.RunFunc, error) {
	return func(ctx *sdk.Context) error {
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
		ctx.Export("env", sdk.String(env.Name))
		return nil
	}, nil
}

// pulumiGate is a gate as enginetest sees it.
type pulumiGate struct{ g *gate }

func (p pulumiGate) Entered(*testing.T)      { <-p.g.entered }
func (p pulumiGate) SetHold(d time.Duration) { p.g.hold.Store(int64(d)) }
func (p pulumiGate) Overlapped() bool        { return p.g.peak.Load() > 1 }

func TestEngineLifecycle(t *testing.T) {
	t.Parallel()
	enginetest.ForEachBackend(t, func(t *testing.T, backend string) { enginetest.Lifecycle(t, enginesOn(backend)) })
}

func TestEngineRacingUpsNeverOverlap(t *testing.T) {
	t.Parallel()
	enginetest.ForEachBackend(t, func(t *testing.T, backend string) { enginetest.RacingUpsNeverOverlap(t, enginesOn(backend)) })
}

func TestEngineLockedFailsAfterBound(t *testing.T) {
	t.Parallel()
	enginetest.ForEachBackend(t, func(t *testing.T, backend string) { enginetest.LockedFailsAfterBound(t, enginesOn(backend)) })
}

func TestEngineCancelReleasesLock(t *testing.T) {
	t.Parallel()
	enginetest.ForEachBackend(t, func(t *testing.T, backend string) { enginetest.CancelReleasesLock(t, enginesOn(backend)) })
}
