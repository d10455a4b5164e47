// Package terraform is prenv's Terraform engine. It keeps each environment
// in one workspace, pr-<n>, of Terraform's local backend under a file://
// directory or of its s3 backend in an s3:// bucket, and applies a root
// module to it through terraform-exec, with terraform or OpenTofu from
// Version on (S3Version for a bucket). Each operation of automation.Engine
// has its own file, as terraform-exec keeps one per command, and runs in a
// throwaway copy of the module (workdir.go) whose backend block prenv
// overrides, so concurrent runs never share a selected workspace. What
// can be read without terraform (a workspace's lifetime, List, the locks,
// the state a failed run could not save) is read through internal/state,
// alike on both backends. The local backend's lock dies with its process,
// so only a killed run's record of it can be stale; the s3 backend's lock
// file outlives a killed run, and is broken when provably stale: its
// holder's terraform is gone from this host, or it is older than
// automation.MaxJobTime.
//
//	binary, err := terraform.Find(os.Getenv("PRENV_TERRAFORM"), "bin")
//	mod, err := modules.For("none")
//	eng, err := terraform.New(ctx, terraform.Config{
//		Project:    bp.Project,
//		BackendURL: "s3://team-state?region=eu-west-1",
//		Binary:     binary,
//		Module:     mod,
//	})
//	res, err := eng.Up(ctx, env, automation.WaitForLock(5*time.Minute))
//
// Config says which variables every apply gets and how a module's outputs
// become prenv's.
package terraform
