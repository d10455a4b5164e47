package terraform_test

import (
	"testing"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/automation/internal/enginetest"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/modules"
)

// The none module has two resources, terraform_data.env and
// terraform_data.prenv_lifetime: a target picks one.
func TestTargetsLimitEveryOperation(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	mod, err := modules.For("none")
	if err != nil {
		t.Fatal(err)
	}
	eng := newEngine(t, testenv.Backend(t), mod, nil)
	env := enginetest.Env(t, 31)
	onlyEnv := automation.Targets("terraform_data.env")

	if preview, err := eng.Preview(ctx, env, onlyEnv); err != nil || preview.Changes["create"] != 1 {
		t.Fatalf("targeted preview of a new workspace = %v, %v; want terraform_data.env alone", preview.Changes, err)
	}
	if up, err := eng.Up(ctx, env, onlyEnv); err != nil || up.Changes["create"] != 1 {
		t.Fatalf("targeted up = %v, %v; want terraform_data.env alone", up.Changes, err)
	}
	if rest, err := eng.Preview(ctx, env); err != nil || rest.Changes["create"] != 1 {
		t.Fatalf("untargeted preview after it = %v, %v; want the lifetime alone left to create", rest.Changes, err)
	}
	if _, err := eng.Up(ctx, env); err != nil {
		t.Fatal(err)
	}
	// A targeted destroy keeps the workspace, which holds the rest.
	if destroyed, err := eng.Destroy(ctx, env, onlyEnv, automation.Remove()); err != nil || destroyed.Changes["delete"] != 1 {
		t.Fatalf("targeted destroy = %v, %v; want terraform_data.env alone deleted", destroyed.Changes, err)
	}
	if left, err := eng.Preview(ctx, env); err != nil || left.Changes["create"] != 1 {
		t.Errorf("after the targeted destroy a preview shows %v, %v; want terraform_data.env to create again, in the workspace that was kept", left.Changes, err)
	}
	if _, err := eng.Destroy(ctx, env, automation.Remove()); err != nil {
		t.Fatal(err)
	}
}
