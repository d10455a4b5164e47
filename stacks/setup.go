package stacks

import (
	"context"
	"io"
)

// Setup is what a target may use of this machine and this run when it
// prepares itself. The session fills it; targets never read the process
// environment except through Getenv.
type Setup struct {
	// Home is prenv's own directory (~/.prenv or $PRENV_HOME); empty for a
	// rendering, which must touch nothing.
	Home string
	// Getenv reads the process environment.
	Getenv func(string) string
	// Notices receives one-line notes on what the target did on the side,
	// such as starting the router.
	Notices io.Writer
	// Env is the environment the command acts on; zero for commands that
	// act on the whole project (ls, reap).
	Env Env
	// Program is set for up and preview, which run the target's program
	// and so need what it reads from the checkout.
	Program bool
	// Base is the git ref a PR is compared with.
	Base string
	// Changed lists the files a sandbox-mode PR changed, repository-relative.
	Changed []string
	// Salt returns the key of the deterministic anonymisation ("" without
	// rules). A target calls it only when it needs the key: finding one
	// may be refused (in CI without the secret), and a teardown must not be.
	Salt func() (string, error)
	// Binary is the running prenv executable, which targets start again
	// as a provider plugin, the router or a Terraform provisioner.
	Binary string
}

// Prepare builds a target for one run. It is where a target checks and
// readies what it needs on the machine (a database server, a router).
type Prepare func(ctx context.Context, bp *Blueprint, s Setup) (Target, error)

// Checker is a target that judges an environment before up or preview
// changes anything. Its checks run on every engine.
type Checker interface {
	Check(ctx context.Context, bp *Blueprint, env Env) error
}

// UpFinisher is a target with work left after a successful up of an
// environment, on any engine: the aws target deletes the Secrets only the
// database's setup read.
type UpFinisher interface {
	FinishUp(ctx context.Context, bp *Blueprint, env Env) error
}

// PulumiPlugins is a target whose program needs provider plugins: those
// it serves itself and those it pins. The Pulumi engine installs a missing
// pinned plugin before up or preview runs the program.
type PulumiPlugins interface {
	PulumiPlugins() (Plugins, error)
}

// TerraformInputs is a target whose embedded Terraform module needs
// variables and an environment beyond the environment's name and dates.
type TerraformInputs interface {
	// TerraformVars are the module's variables for env.
	TerraformVars(ctx context.Context, bp *Blueprint, env Env) (map[string]any, error)
	// TerraformEnv is the environment of the module's commands. Secrets
	// travel here, never through variables, which Terraform keeps in state.
	TerraformEnv() map[string]string
}

// OrphanFinder finds what a target made for a project's PR environments
// whose stacks are gone, and deletes it; the reaper keeps the grace
// periods and safety checks.
type OrphanFinder interface {
	// Orphans lists what the target holds for PR environments not in
	// live, the names of the project's stacks.
	Orphans(ctx context.Context, live []string) ([]Orphan, error)
	// Sweep deletes orphans Orphans returned; it goes on past a failure.
	Sweep(ctx context.Context, orphans []Orphan) error
}

// OrphanSource is a target whose resources can outlive their stack (a run
// killed before it recorded them, a stack removed by hand).
type OrphanSource interface {
	OrphanFinder(ctx context.Context, bp *Blueprint) (OrphanFinder, error)
}

// StubCounter is a target that can ask an environment's stub services how
// many requests no mapping matched (prenv outputs shows them).
type StubCounter interface {
	// UnmatchedStubRequests counts, by service name, the requests no
	// mapping matched at each stub env runs itself. A stub it cannot ask
	// is left out, and named in the error.
	UnmatchedStubRequests(ctx context.Context, bp *Blueprint, env Env) (map[string]int64, error)
}
