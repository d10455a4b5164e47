package pulumi_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	sdk "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/automation/pulumi"
	"github.com/prenv/prenv/stacks"
)

// Bring up PR 42's environment, waiting up to five minutes for another
// run's lock, and tell a lock apart from other failures.
func ExampleEngine_Up() {
	ctx := context.Background()
	bp, _ := stacks.Load("prenv.yaml")
	binary, err := pulumi.Find(os.Getenv("PRENV_PULUMI"), "bin")
	if err != nil {
		fmt.Println(err)
		return
	}
	eng, err := pulumi.New(ctx, pulumi.Config{
		Project:    bp.Project,
		BackendURL: "file:///var/lib/prenv/state",
		Binary:     binary,
		Passphrase: os.Getenv("PULUMI_CONFIG_PASSPHRASE"),
		Program: func(env stacks.Env) (sdk.RunFunc, error) {
			return stacks.None{}.Program(bp, env), nil
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	env, _ := stacks.NewEnv(bp, stacks.EnvOptions{PR: 42})
	res, err := eng.Up(ctx, env, automation.WaitForLock(5*time.Minute), automation.Progress(os.Stderr))
	var locked *automation.LockedError
	switch {
	case errors.As(err, &locked):
		fmt.Println("still locked by", locked.Holders)
	case err != nil:
		fmt.Println(err)
	default:
		fmt.Println(res.Outputs["env"].Value, res.Changed())
	}
}
