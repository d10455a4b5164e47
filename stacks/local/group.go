package local

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/stacks"
)

// groupProgram is a PR group's program: one route, which runs nothing and
// names the group's members, so the router takes each service from the
// first member that runs it, and the rest from the baseline.
func (t Target) groupProgram(bp *stacks.Blueprint, env stacks.Env) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		if _, err := newRoute(ctx, "route", pulumi.Map{
			"routesDir":  pulumi.String(t.RoutesDir),
			"env":        pulumi.String(env.Name),
			"entry":      pulumi.String(entryName(bp)),
			"urls":       pulumi.StringMap{},
			"members":    pulumi.ToStringArray(env.Members),
			"routerAddr": pulumi.String(fmt.Sprintf("127.0.0.1:%d", t.RouterPort)),
		}); err != nil {
			return err
		}
		ctx.Export("url", pulumi.String(t.URL(env.Name, "")))
		return nil
	}
}

// entryName is the service an environment's own host reaches, or "".
func entryName(bp *stacks.Blueprint) string {
	if e := bp.EntryService(); e != nil {
		return e.Name
	}
	return ""
}
