package terraform_test

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
	"github.com/prenv/prenv/automation/terraform"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/modules"
	"github.com/prenv/prenv/stacks"
)

// engines are the Terraform engines the engine-agnostic tests of
// enginetest run against.
var engines = enginetest.Case{
	None: func(t *testing.T) automation.Engine {
		mod, err := modules.For("none")
		if err != nil {
			t.Fatal(err)
		}
		return newEngine(t, mod, nil)
	},
	Gate: func(t *testing.T, hold time.Duration) (automation.Engine, enginetest.HoldGate) {
		g := &gate{dir: t.TempDir()}
		g.SetHold(hold)
		return newEngine(t, os.DirFS("testdata/tfgate"), g.vars), g
	},
}

// newEngine returns a Terraform engine on a fresh state directory that
// applies module with the variables vars makes.
func newEngine(t *testing.T, module fs.FS, vars terraform.VarsFunc) *terraform.Engine {
	t.Helper()
	eng, err := terraform.New(t.Context(), terraform.Config{
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

// gate drives testdata/tfgate: a fresh run id replaces its resource on
// every up, and its provisioner marks entries and overlaps in dir.
type gate struct {
	dir  string
	runs atomic.Int64
	hold atomic.Int64
}

func (g *gate) vars(stacks.Env) (map[string]any, error) {
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
	enginetest.Lifecycle(t, engines)
}

func TestEngineRacingUpsNeverOverlap(t *testing.T) {
	t.Parallel()
	enginetest.RacingUpsNeverOverlap(t, engines)
}

func TestEngineLockedFailsAfterBound(t *testing.T) {
	t.Parallel()
	enginetest.LockedFailsAfterBound(t, engines)
}

func TestEngineCancelReleasesLock(t *testing.T) {
	t.Parallel()
	enginetest.CancelReleasesLock(t, engines)
}
