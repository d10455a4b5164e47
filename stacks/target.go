package stacks

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A Target builds the Pulumi program of one environment.
type Target interface {
	// Name is the blueprint's `target:` value that selects this target.
	Name() string
	// Program returns the program that creates env as bp describes it.
	Program(bp *Blueprint, env Env) pulumi.RunFunc
}

// Targets is the set of targets a binary was built with, by name.
type Targets map[string]Target

// NewTargets collects ts by name.
func NewTargets(ts ...Target) Targets {
	m := make(Targets, len(ts))
	for _, t := range ts {
		m[t.Name()] = t
	}
	return m
}

// Program returns the program of env on the blueprint's target.
func (ts Targets) Program(bp *Blueprint, env Env) (pulumi.RunFunc, error) {
	t, ok := ts[bp.Target]
	if !ok {
		names := make([]string, 0, len(ts))
		for n := range ts {
			names = append(names, n)
		}
		slices.Sort(names)
		return nil, fmt.Errorf("target %q is not available in this build: use one of %s", bp.Target, strings.Join(names, ", "))
	}
	return t.Program(bp, env), nil
}

// None is the built-in target that creates nothing and exports the
// environment's name, PR and expiry. It exercises the whole lifecycle
// (locks, config, outputs, destroy) in tests and dry runs.
type None struct{}

// Name implements Target.
func (None) Name() string { return "none" }

// Program implements Target.
func (None) Program(_ *Blueprint, env Env) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		ctx.Export("env", pulumi.String(env.Name))
		ctx.Export("pr", pulumi.Int(env.PR))
		ctx.Export("expiresAt", pulumi.String(env.ExpiresAt.Format(time.RFC3339)))
		return nil
	}
}
