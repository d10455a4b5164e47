// Package automation drives one stack per preview environment.
//
// An Engine creates, updates, previews, refreshes, reads and destroys the
// stack of one stacks.Env, and lists the stacks of a project for the
// reaper. The Pulumi driver runs the target's program inline through the
// Pulumi Automation API against a file:// or s3:// backend.
//
// Every operation takes a context, which is honoured down to the CLI child
// (cancelling it interrupts pulumi, which releases its lock), and Options
// such as WaitForLock and Progress:
//
//	eng, err := automation.NewPulumi(ctx, automation.PulumiConfig{
//		Project:    bp.Project,
//		BackendURL: "file:///home/me/.prenv/state",
//		Binary:     pulumiPath,
//		Passphrase: passphrase,
//		Program:    programFor,
//	})
//	res, err := eng.Up(ctx, env, automation.WaitForLock(5*time.Minute), automation.Progress(os.Stderr))
//	if automation.IsLocked(err) {
//		// another run holds the stack; err names who and since when
//	}
//
// A lock is only ever broken when it is provably stale: its holder's
// process is gone on this host, or it is older than MaxJobTime.
package automation
