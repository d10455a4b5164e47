package aws_test

import (
	"context"
	"fmt"
	"os"

	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/aws"
)

// ExampleRender prints what PR 42's environment would create, offline,
// and judges it by the policy as up would.
func ExampleRender() {
	bp, err := stacks.Load("prenv.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	env, err := stacks.NewEnv(bp, stacks.EnvOptions{PR: 42, Repo: "acme/shop", SHA: "0123abcd"})
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := aws.Render(bp, env, aws.Target{BaseSHA: "feedbeef"})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = r.WriteTable(os.Stdout)
	_ = r.WriteManifests(os.Stdout)
	violations, err := r.Violations(context.Background(), bp)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range violations {
		fmt.Println(v)
	}
}
