package terraform

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/state"
)

// backend is the Terraform backend the engine keeps its workspaces in:
// how a run is configured for it, and what prenv sees of its locks.
type backend interface {
	// name is the backend as messages name it, such as s3://.
	name() string
	// minVersion is the oldest terraform that works with it.
	minVersion() semver.Version
	// configure writes the backend's configuration into a run's
	// directory and returns init's options.
	configure(dir string) ([]tfexec.InitOption, error)
	// runEnv is the environment of terraform's runs on workspace.
	runEnv(workspace string) map[string]string
	// inspect reports workspace's lock and whether it is provably stale.
	inspect(ctx context.Context, workspace string, o automation.Options) (lockView, error)
	// release removes a lock inspect found stale. A lock taken again
	// since is kept, and state.ErrLockChanged returned.
	release(ctx context.Context, workspace string, v lockView) error
	// pushHint says how to push a kept errored state back to workspace.
	pushHint(workspace, kept string) string
}

// lockView is what prenv sees of a workspace's lock.
type lockView struct {
	found  bool                  // a lock, or a record of one, is there
	holder automation.LockHolder // who took it
	stale  string                // why it is provably stale; "" while it may be live
	lock   state.Lock            // the s3 backend's lock file, removed by its ID
}

// openBackend opens the backend cfg.BackendURL names for the project's
// workspaces (Terraform's local backend for file://, its s3 backend for
// s3://) and its state, which prenv reads without terraform.
func openBackend(ctx context.Context, cfg Config) (backend, *state.TerraformBackend, error) {
	u, err := url.Parse(cfg.BackendURL)
	if err != nil {
		return nil, nil, fmt.Errorf("backend %q is not a URL: use file://<dir> or s3://<bucket>", cfg.BackendURL)
	}
	var be backend
	switch u.Scheme {
	case "file":
		root, err := state.LocalDir(cfg.BackendURL)
		if err != nil {
			return nil, nil, err
		}
		dir := filepath.Join(root, filepath.FromSlash(state.TerraformDir(cfg.Project)))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, nil, fmt.Errorf("terraform state directory %s is unreachable: %v: pick a writable directory with --backend", dir, err)
		}
		be = &localBackend{dir: dir}
	case "s3":
		b, err := state.ParseS3(cfg.BackendURL)
		if err != nil {
			return nil, nil, err
		}
		be = &s3Backend{bucket: b, project: cfg.Project, runs: newRunFinder(hostname(), cfg.Binary)}
	default:
		return nil, nil, fmt.Errorf("backend %s: engine terraform keeps its workspaces in a file:// directory or an s3:// bucket (S3-compatible stores too), not %s://: use one of those, or engine pulumi", u.Redacted(), u.Scheme)
	}
	st, err := state.OpenTerraform(ctx, cfg.BackendURL)
	if err != nil {
		return nil, nil, err
	}
	if s3, ok := be.(*s3Backend); ok {
		s3.state = st
	}
	return be, st, nil
}

// overrideFile replaces the module's backend block, whatever it declares
// (or if it declares none), with prenv's: Terraform lets an override
// file's backend block win.
const overrideFile = "prenv_backend_override.tf"

// writeOverride writes the override that makes the run use backend kind.
func writeOverride(dir, kind string) error {
	body := fmt.Sprintf("# Written by prenv: this run's state lives in its %s backend.\nterraform {\n  backend %q {}\n}\n", kind, kind)
	return os.WriteFile(filepath.Join(dir, overrideFile), []byte(body), 0o644)
}
