// Package terraform is prenv's Terraform engine. It keeps each environment
// in one workspace, pr-<n>, of the local backend under a state directory,
// and applies a root module to it through terraform-exec, with terraform
// or OpenTofu from Version on. Each operation of automation.Engine has its
// own file, as terraform-exec keeps one per command, and runs in a
// throwaway copy of the module (workdir.go), so concurrent runs never
// share a selected workspace. The local backend's lock dies with its
// process; Cancel only removes the record a killed run left.
//
//	binary, err := terraform.Find(os.Getenv("PRENV_TERRAFORM"), "bin")
//	mod, err := modules.For("none")
//	eng, err := terraform.New(ctx, terraform.Config{
//		Project:  bp.Project,
//		StateDir: "/home/me/.prenv/state/terraform/shop",
//		Binary:   binary,
//		Module:   mod,
//	})
//	res, err := eng.Up(ctx, env, automation.WaitForLock(5*time.Minute))
//
// Config says which variables every apply gets and how a module's outputs
// become prenv's.
package terraform
