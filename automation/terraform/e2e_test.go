package terraform_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/automation/internal/enginetest"
	"github.com/prenv/prenv/automation/terraform"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/modules"
	"github.com/prenv/prenv/stacks"
)

// enginesOn are the Terraform engines the engine-agnostic tests of
// enginetest run against, on backend.
func enginesOn(backend string) enginetest.Case {
	return enginetest.Case{
		None: func(t *testing.T) automation.Engine {
			mod, err := modules.For("none")
			if err != nil {
				t.Fatal(err)
			}
			return newEngine(t, backend, mod, nil)
		},
		Gate: func(t *testing.T, hold time.Duration) (automation.Engine, enginetest.HoldGate) {
			g := &gate{dir: t.TempDir()}
			g.SetHold(hold)
			return newEngine(t, backend, os.DirFS("testdata/tfgate"), g.vars), g
		},
	}
}

// newEngine returns a Terraform engine on backend that applies module
// with the variables vars makes.
func newEngine(t *testing.T, backend string, module fs.FS, vars terraform.VarsFunc) *terraform.Engine {
	t.Helper()
	cfg := terraformConfig(module, backend, testenv.Terraform(t))
	cfg.Vars = vars
	eng, err := newFromConfig(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// terraformConfig is the tests' project on backend, applying module with
// binary.
func terraformConfig(module fs.FS, backend, binary string) terraform.Config {
	return terraform.Config{Project: enginetest.Project, BackendURL: backend, Binary: binary, Module: module}
}

func newFromConfig(t *testing.T, cfg terraform.Config) (*terraform.Engine, error) {
	t.Helper()
	return terraform.New(t.Context(), cfg)
}

// gate drives testdata/tfgate: a fresh run id replaces its resource on
// every up, and its provisioner marks entries and overlaps in dir.
type gate struct {
	dir  string
	runs atomic.Int64
	hold atomic.Int64
}

func (g *gate) vars(context.Context, stacks.Env) (map[string]any, error) {
	return map[string]any{
		"run":  fmt.Sprint(g.runs.Add(1)),
		"dir":  g.dir,
		"hold": time.Duration(g.hold.Load()).Seconds(),
	}, nil
}

func (g *gate) SetHold(d time.Duration) { g.hold.Store(int64(d)) }

func (g *gate) Overlapped() bool {
	_, err := os.Stat(filepath.Join(g.dir, "overlap"))
	return err == nil
}

func (g *gate) Entered(t *testing.T) {
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
