// Package stacks describes what a preview environment is made of.
//
// A Blueprint is the parsed prenv.yaml of one repository: its services,
// database, routing, DNS name, TTL and policy. Load reads and validates it,
// rejecting unknown keys and naming the file, line and field of every
// mistake. An Env is one instance of the blueprint (pr-<n> or the baseline),
// and a Target turns a blueprint and an Env into the Pulumi program that the
// engine runs for that environment's stack.
//
//	bp, err := stacks.Load("prenv.yaml")
//	if err != nil {
//		return err // e.g. prenv.yaml:7: services[0].port: 70000 is out of range; use 1-65535
//	}
//	env, err := stacks.NewEnv(bp, stacks.EnvOptions{PR: 42, Repo: "acme/shop"})
package stacks
