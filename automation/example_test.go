package automation_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	sdk "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/automation/pulumi"
	"github.com/prenv/prenv/automation/terraform"
	"github.com/prenv/prenv/modules"
	"github.com/prenv/prenv/stacks"
)

// Bring up PR 42's environment on the engine the blueprint names: the
// rest of the code sees only an Engine.
func ExampleEngine() {
	ctx := context.Background()
	bp, err := stacks.Load("prenv.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	var eng automation.Engine
	switch bp.Engine {
	case "terraform":
		binary, _ := terraform.Find(os.Getenv("PRENV_TERRAFORM"), "bin")
		mod, _ := modules.For(string(bp.Target))
		eng, err = terraform.New(ctx, terraform.Config{
			Project: bp.Project, BackendURL: "file:///var/lib/prenv/state", Binary: binary, Module: mod,
		})
	default:
		binary, _ := pulumi.Find(os.Getenv("PRENV_PULUMI"), "bin")
		eng, err = pulumi.New(ctx, pulumi.Config{
			Project: bp.Project, BackendURL: "file:///var/lib/prenv/state", Binary: binary,
			Passphrase: os.Getenv("PULUMI_CONFIG_PASSPHRASE"),
			Program: func(env stacks.Env) (sdk.RunFunc, error) {
				return stacks.None{}.Program(bp, env), nil
			},
		})
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	env, _ := stacks.NewEnv(bp, stacks.EnvOptions{PR: 42})
	res, err := eng.Up(ctx, env, automation.WaitForLock(5*time.Minute), automation.Progress(os.Stderr))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Outputs[automation.OutputExpiresAt].Value)
}

// Tell a stack held by another run apart from other failures, however
// the error was wrapped.
func ExampleIsLocked() {
	since := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	err := fmt.Errorf("up pr-42: %w", &automation.LockedError{
		Stack:   "pr-42",
		Holders: []automation.LockHolder{{User: "runner", Host: "ci-7", PID: 4242, Since: since}},
		Waited:  5 * time.Minute,
	})
	fmt.Println(automation.IsLocked(err))
	var locked *automation.LockedError
	if errors.As(err, &locked) {
		fmt.Println(locked.Holders[0])
	}
	// Output:
	// true
	// runner@ci-7 (pid 4242) since 2026-11-21T10:00:00Z
}

// A driver reads the options of one operation once, resolved over the
// defaults.
func ExampleResolve() {
	o := automation.Resolve([]automation.Option{automation.WaitForLock(time.Minute), automation.Remove()})
	fmt.Println(o.WaitForLock, o.MaxJobTime, o.Remove, o.RefreshFirst)
	// Output:
	// 1m0s 6h0m0s true false
}
