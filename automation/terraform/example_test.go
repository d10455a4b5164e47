package terraform_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/automation/terraform"
	"github.com/prenv/prenv/modules"
	"github.com/prenv/prenv/stacks"
)

// Apply the none module to PR 42's workspace, waiting up to five minutes
// for another run's lock, and tell a lock apart from other failures.
func ExampleEngine_Up() {
	ctx := context.Background()
	bp, _ := stacks.Load("prenv.yaml")
	binary, err := terraform.Find(os.Getenv("PRENV_TERRAFORM"), "bin")
	if err != nil {
		fmt.Println(err)
		return
	}
	mod, err := modules.For("none")
	if err != nil {
		fmt.Println(err)
		return
	}
	eng, err := terraform.New(ctx, terraform.Config{
		Project:    bp.Project,
		BackendURL: "s3://team-state/prenv?region=eu-west-1",
		Binary:     binary,
		Module:     mod,
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
