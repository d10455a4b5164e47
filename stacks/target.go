package stacks

import (
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A Target builds the Pulumi program of one environment. A target may
// also implement Checker, PulumiPlugins and TerraformInputs; each is
// registered by name with its Prepare function in internal/session.
type Target interface {
	// Name is the blueprint's `target:` value that selects this target.
	Name() TargetName
	// Program returns the program that creates env as bp describes it.
	Program(bp *Blueprint, env Env) pulumi.RunFunc
}

// None is the built-in target that creates nothing and exports the
// environment's name, PR and expiry. It exercises the whole lifecycle
// (locks, config, outputs, destroy) in tests and dry runs.
type None struct{}

// Name implements Target.
func (None) Name() TargetName { return TargetNone }

// Program implements Target.
func (None) Program(_ *Blueprint, env Env) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		ctx.Export("env", pulumi.String(env.Name))
		ctx.Export("pr", pulumi.Int(env.PR))
		ctx.Export("expiresAt", pulumi.String(env.ExpiresAt.Format(time.RFC3339)))
		return nil
	}
}
