package terraform

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/prenv/prenv/automation"
)

// runDir is one operation's throwaway working directory: the module, its
// own data directory (so concurrent runs never share a selected
// workspace), initialised against the local backend.
type runDir struct {
	tf  *tfexec.Terraform
	dir string
}

// cleanup removes the working directory.
func (r *runDir) cleanup() { os.RemoveAll(r.dir) }

// workdir copies the module into a fresh directory and runs terraform init
// there with the local backend under the state directory.
func (t *Engine) workdir(ctx context.Context) (*runDir, error) {
	dir, err := os.MkdirTemp("", "prenv-tf-")
	if err != nil {
		return nil, fmt.Errorf("create terraform working directory: %w", err)
	}
	r := &runDir{dir: dir}
	if err := t.setup(ctx, r); err != nil {
		r.cleanup()
		return nil, err
	}
	return r, nil
}

func (t *Engine) setup(ctx context.Context, r *runDir) error {
	if err := copyModule(t.cfg.Module, r.dir); err != nil {
		return err
	}
	tf, err := tfexec.NewTerraform(r.dir, t.cfg.Binary)
	if err != nil {
		return err
	}
	if err := tf.SetWaitDelay(automation.InterruptGrace); err != nil {
		return err
	}
	if err := tf.SetEnv(t.environ(r.dir)); err != nil {
		return fmt.Errorf("terraform environment: %w", err)
	}
	r.tf = tf
	if err := tf.Init(ctx, initOptions(t.cfg.StateDir)...); err != nil {
		return t.classify(ctx, "(init)", err, nil)
	}
	return nil
}

// initOptions configures the module's `backend "local" {}` block: each
// workspace's state is <stateDir>/<workspace>/terraform.tfstate.
func initOptions(stateDir string) []tfexec.InitOption {
	return []tfexec.InitOption{
		tfexec.BackendConfig("path=" + filepath.Join(stateDir, "default.tfstate")),
		tfexec.BackendConfig("workspace_dir=" + stateDir),
		tfexec.Upgrade(false),
		tfexec.Reconfigure(true),
	}
}

// environ is the CLI's environment: prenv's, the config's extras, and a
// data directory of the run's own.
func (t *Engine) environ(dir string) map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	for k, v := range t.cfg.Env {
		env[k] = v
	}
	env["TF_DATA_DIR"] = filepath.Join(dir, ".terraform")
	env["CHECKPOINT_DISABLE"] = "1"
	return tfexec.CleanEnv(env)
}

// copyModule writes the module's files into dir.
func copyModule(module fs.FS, dir string) error {
	return fs.WalkDir(module, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(path))
		if d.IsDir() {
			if d.Name() == ".terraform" {
				return fs.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		if strings.HasSuffix(path, ".tfstate") || strings.HasPrefix(d.Name(), ".terraform") {
			return nil // a developer's leftovers are never prenv's state
		}
		data, err := fs.ReadFile(module, path)
		if err != nil {
			return fmt.Errorf("read the module's %s: %w", path, err)
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// writeVars writes vars as the run's variables file and returns its path.
func (r *runDir) writeVars(vars map[string]any) (string, error) {
	data, err := json.MarshalIndent(vars, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encode the module's variables: %w", err)
	}
	path := filepath.Join(r.dir, ".prenv.tfvars.json")
	return path, os.WriteFile(path, data, 0o600)
}

// selectWorkspace selects the workspace, creating it when create is set;
// a missing workspace is otherwise ErrStackNotFound.
func (t *Engine) selectWorkspace(ctx context.Context, r *runDir, name string, create bool, o automation.Options) error {
	err := r.tf.WorkspaceSelect(ctx, name)
	if err == nil {
		return nil
	}
	if !strings.Contains(err.Error(), "doesn't exist") {
		return t.classify(ctx, name, err, nil)
	}
	if !create {
		return fmt.Errorf("workspace %s does not exist: run `prenv up` for it first: %w", name, automation.ErrStackNotFound)
	}
	// A racing run may be writing the new workspace's first state: wait
	// for its lock as long as for the apply's.
	err = r.tf.WorkspaceNew(ctx, name, tfexec.LockTimeout(lockTimeout(o)))
	if err != nil && strings.Contains(err.Error(), "already exists") { // another run just made it
		err = r.tf.WorkspaceSelect(ctx, name)
	}
	return t.classify(ctx, name, err, nil)
}
