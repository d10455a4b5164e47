package stacks_test

import (
	"fmt"

	"github.com/prenv/prenv/stacks"
)

func ExampleParse() {
	_, err := stacks.Parse("prenv.yaml", []byte("project: shop\ntarget: none\nservices:\n  - name: web\n    port: 70000\n"))
	fmt.Println(err)
	// Output: prenv.yaml:5: services[0].port: 70000 is out of range; use 1-65535
}

func ExampleNewEnv() {
	bp, err := stacks.Parse("prenv.yaml", []byte("project: shop\ntarget: none\n"))
	if err != nil {
		panic(err)
	}
	env, err := stacks.NewEnv(bp, stacks.EnvOptions{PR: 42, Repo: "acme/shop"})
	if err != nil {
		panic(err)
	}
	fmt.Println(env.Stack, env.Database, env.ExpiresAt.Sub(env.CreatedAt))
	// Output: pr-42 prenv_shop_pr_42 72h0m0s
}
