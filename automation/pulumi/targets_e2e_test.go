package pulumi_test

import (
	"fmt"
	"testing"

	sdk "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/automation/internal/enginetest"
	"github.com/prenv/prenv/stacks"
)

// partsProgram registers two component resources, a and b, which need no
// provider, and exports the config it was given and whether each key
// reached it as a secret.
func partsProgram(env stacks.Env) (sdk.RunFunc, error) {
	return func(ctx *sdk.Context) error {
		for _, name := range []string{"a", "b"} {
			var part struct{ sdk.ResourceState }
			if err := ctx.RegisterComponentResource("test:index:Part", name, &part); err != nil {
				return err
			}
		}
		plain, _ := ctx.GetConfig(enginetest.Project + ":plain")
		token, _ := ctx.GetConfig(enginetest.Project + ":token")
		ctx.Export("plain", sdk.String(plain))
		ctx.Export("token", sdk.ToSecret(sdk.String(token)))
		ctx.Export("tokenIsSecret", sdk.Bool(ctx.IsConfigSecret(enginetest.Project+":token")))
		return nil
	}, nil
}

func partURN(stack, name string) string {
	return fmt.Sprintf("urn:pulumi:%s::%s::test:index:Part::%s", stack, enginetest.Project, name)
}

func TestTargetsLimitEveryOperation(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	eng := newEngine(t, partsProgram)
	env := enginetest.Env(t, 31)
	// A * stands for the stack, which a workflow names once for every PR.
	onlyA := automation.Targets(fmt.Sprintf("urn:pulumi:*::%s::test:index:Part::a", enginetest.Project))

	preview, err := eng.Preview(ctx, env, onlyA)
	if err != nil || preview.Changes["create"] != 2 { // the stack, always included, and a
		t.Fatalf("targeted preview of a new stack = %v, %v; want 2 creates (the stack and a)", preview.Changes, err)
	}
	up, err := eng.Up(ctx, env, onlyA)
	if err != nil || up.Changes["create"] != 2 {
		t.Fatalf("targeted up = %v, %v; want 2 creates (the stack and a)", up.Changes, err)
	}
	rest, err := eng.Preview(ctx, env)
	if err != nil || rest.Changes["create"] != 1 || rest.Changes["same"] != 2 {
		t.Fatalf("untargeted preview after it = %v, %v; want b alone left to create", rest.Changes, err)
	}
	if _, err := eng.Up(ctx, env); err != nil {
		t.Fatal(err)
	}

	// A targeted destroy removes what it names and keeps the stack, even
	// with Remove, since the stack still holds the rest.
	destroyed, err := eng.Destroy(ctx, env, automation.Targets(partURN(env.Stack, "b")), automation.Remove())
	if err != nil || destroyed.Changes["delete"] != 1 {
		t.Fatalf("targeted destroy = %v, %v; want b alone deleted", destroyed.Changes, err)
	}
	left, err := eng.Preview(ctx, env)
	if err != nil || left.Changes["create"] != 1 {
		t.Errorf("after the targeted destroy a preview shows %v, %v; want b to create again, in the stack that was kept", left.Changes, err)
	}
	if _, err := eng.Destroy(ctx, env, automation.Remove()); err != nil {
		t.Fatal(err)
	}
}
