// Package pulumi is prenv's Pulumi engine. It keeps each environment in
// one stack, pr-<n>, of a file://, s3://, gs:// or azblob:// backend, and
// runs the target's program inline through the Automation API: Up serves
// the program to the pulumi CLI itself, so an update is one CLI run. Each
// operation of automation.Engine has its own file. What can be read from
// the backend's state without pulumi (a stack's history, List, the
// locks) is read through internal/state, alike on every backend; lock.go
// breaks the locks that are provably stale: their holder's process is
// gone on this host, they are older than automation.MaxJobTime, or GitHub
// says the run that took them has completed. Each operation that takes a
// lock writes a run record beside it (provenance.go: host, pid, start and
// automation.Run's GitHub run), which is how a lock is traced to its run.
// A stack's secrets are encrypted with the passphrase or with a key
// service (Config.SecretsProvider, such as awskms://), which the stack's
// state records and every later run must match. Before Up and Preview
// run the program, plugins.go installs the pinned plugins
// (Config.Plugins) missing from Config.PulumiHome, each at exactly its
// version, through the Automation API; with Config.Offline it installs
// none and names the commands that would.
//
//	binary, err := pulumi.Find(os.Getenv("PRENV_PULUMI"), "bin")
//	eng, err := pulumi.New(ctx, pulumi.Config{
//		Project:    bp.Project,
//		BackendURL: "file:///home/me/.prenv/state",
//		Binary:     binary,
//		Passphrase: passphrase,
//		Program:    programFor,
//	})
//	res, err := eng.Up(ctx, env, automation.WaitForLock(5*time.Minute))
//
// Beside the Pulumi SDK, whose package is also named pulumi, import this
// one under another name, such as pulumiengine.
package pulumi
