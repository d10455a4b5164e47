// Package automation is what every engine of prenv shares. An Engine
// creates, updates, previews, refreshes, reads and destroys the stack of
// one stacks.Env, and lists the stacks of a project for the reaper; this
// package holds that interface, the Options its operations take, the
// errors callers tell apart (ErrLocked, ErrStackNotFound), and the rules
// every driver follows: Dated for an environment's lifetime, InterruptGrace
// for a cancelled run, PlanReap for what a reap destroys.
//
// The drivers are packages of their own: automation/pulumi runs the
// target's program inline through Pulumi's Automation API, and
// automation/terraform applies a Terraform module through terraform-exec.
// Callers hold either as an Engine:
//
//	eng, err := pulumi.New(ctx, pulumi.Config{...}) // or terraform.New(ctx, terraform.Config{...})
//	res, err := eng.Up(ctx, env, automation.WaitForLock(5*time.Minute), automation.Progress(os.Stderr))
//	if automation.IsLocked(err) {
//		// another run holds the stack; err names who and since when
//	}
//
// Every operation takes a context, which is honoured down to the CLI child:
// cancelling it interrupts the CLI, which releases its lock. No engine
// breaks a lock that may be live: only one whose holder is provably gone.
package automation
