package automation_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/automation/internal/enginetest"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/modules"
	"github.com/prenv/prenv/stacks"
)

// engineCases are the engines the engine-agnostic tests of enginetest run
// against.
var engineCases = []struct {
	name    string
	engines enginetest.Case
}{
	{"pulumi", enginetest.Case{
		None: func(t *testing.T) automation.Engine { return newEngine(t, noneProgram) },
		Gate: func(t *testing.T, hold time.Duration) (automation.Engine, enginetest.HoldGate) {
			g := newGate(hold, true)
			return newEngine(t, g.program), pulumiGate{g}
		},
	}},
	{"terraform", enginetest.Case{
		None: func(t *testing.T) automation.Engine {
			mod, err := modules.For("none")
			if err != nil {
				t.Fatal(err)
			}
			return newTerraform(t, mod, nil)
		},
		Gate: func(t *testing.T, hold time.Duration) (automation.Engine, enginetest.HoldGate) {
			g := &tfGate{dir: t.TempDir()}
			g.SetHold(hold)
			return newTerraform(t, os.DirFS("testdata/tfgate"), g.vars), g
		},
	}},
}

func newTerraform(t *testing.T, module fs.FS, vars automation.VarsFunc) *automation.Terraform {
	t.Helper()
	eng, err := automation.NewTerraform(t.Context(), automation.TerraformConfig{
		Project:  enginetest.Project,
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

func (p pulumiGate) Entered(*testing.T)      { <-p.g.entered }
func (p pulumiGate) SetHold(d time.Duration) { p.g.hold.Store(int64(d)) }
func (p pulumiGate) Overlapped() bool        { return p.g.peak.Load() > 1 }

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

func (g *tfGate) SetHold(d time.Duration) { g.hold.Store(int64(d)) }

func (g *tfGate) Overlapped() bool {
	_, err := os.Stat(filepath.Join(g.dir, "overlap"))
	return err == nil
}

func (g *tfGate) Entered(t *testing.T) {
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
			enginetest.Lifecycle(t, c.engines)
		})
	}
}

func TestEngineRacingUpsNeverOverlap(t *testing.T) {
	t.Parallel()
	for _, c := range engineCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			enginetest.RacingUpsNeverOverlap(t, c.engines)
		})
	}
}

func TestEngineLockedFailsAfterBound(t *testing.T) {
	t.Parallel()
	for _, c := range engineCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			enginetest.LockedFailsAfterBound(t, c.engines)
		})
	}
}

func TestEngineCancelReleasesLock(t *testing.T) {
	t.Parallel()
	for _, c := range engineCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			enginetest.CancelReleasesLock(t, c.engines)
		})
	}
}
