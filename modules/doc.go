// Package modules holds prenv's Terraform modules, embedded so the prenv
// binary carries them: none (creates nothing, for the lifecycle), local
// (this machine: a database clone, services as processes, a route) and
// aws (the HCL counterpart of stacks/aws, which needs cloud providers).
//
// The Terraform engine applies a module as the root of one workspace per
// environment:
//
//	mod, err := modules.For("local")
//	eng, err := terraform.New(ctx, terraform.Config{Module: mod, ...})
package modules
