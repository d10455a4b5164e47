package terraform

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/prenv/prenv/automation"
)

// runDir is one operation's throwaway working directory: the module, its
// own data directory (so concurrent runs never share a selected
// workspace), initialised against the engine's backend.
type runDir struct {
	tf  *tfexec.Terraform
	dir string
}

// cleanup removes the working directory.
func (r *runDir) cleanup() { os.RemoveAll(r.dir) }

// workdir copies the module into a fresh directory and runs terraform init
// there against the engine's backend, for an operation on workspace.
func (t *Engine) workdir(ctx context.Context, workspace string) (*runDir, error) {
	dir, err := os.MkdirTemp("", "prenv-tf-")
	if err != nil {
		return nil, fmt.Errorf("create terraform working directory: %w", err)
	}
	r := &runDir{dir: dir}
	if err := t.setup(ctx, r, workspace); err != nil {
		r.cleanup()
		return nil, err
	}
	return r, nil
}

func (t *Engine) setup(ctx context.Context, r *runDir, workspace string) error {
	if err := copyModule(t.cfg.Module, r.dir); err != nil {
		return err
	}
	initOpts, err := t.backend.configure(r.dir)
	if err != nil {
		return err
	}
	tf, err := tfexec.NewTerraform(r.dir, t.cfg.Binary)
	if err != nil {
		return err
	}
	if err := tf.SetWaitDelay(automation.InterruptGrace); err != nil {
		return err
	}
	if err := tf.SetEnv(t.environ(r.dir, workspace)); err != nil {
		return fmt.Errorf("terraform environment: %w", err)
	}
	r.tf = tf
	if err := tf.Init(ctx, initOpts...); err != nil {
		return t.classify(ctx, "(init)", err, nil)
	}
	return nil
}

// environ is the CLI's environment: prenv's, the config's extras, the
// backend's mark of the run, and a data directory of the run's own.
func (t *Engine) environ(dir, workspace string) map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	for k, v := range t.cfg.Env {
		env[k] = v
	}
	for k, v := range t.backend.runEnv(workspace) {
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
	return t.newWorkspace(ctx, r, name, o)
}

// creationGrace is how long a run waits for another that is creating the
// same workspace, whatever its lock wait: writing a first state takes a
// moment.
const creationGrace = 10 * time.Second

// newWorkspace creates the workspace and selects it. A racing run may be
// creating it too: then it selects the one that run made, once made.
func (t *Engine) newWorkspace(ctx context.Context, r *runDir, name string, o automation.Options) error {
	deadline := time.Now().Add(max(o.WaitForLock, creationGrace))
	pause := 100 * time.Millisecond
	for {
		// The local backend waits for a racing run's lock as long as an
		// apply would; the s3 backend fails at once.
		raw := r.tf.WorkspaceNew(ctx, name, tfexec.LockTimeout(lockTimeout(o)))
		if raw == nil {
			return nil
		}
		err := t.classify(ctx, name, raw, nil)
		if !automation.IsLocked(err) && !strings.Contains(raw.Error(), "already exists") {
			return err
		}
		if serr := r.tf.WorkspaceSelect(ctx, name); serr == nil { // another run just made it
			return nil
		}
		if !automation.IsLocked(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return t.classify(ctx, name, ctx.Err(), nil)
		case <-time.After(pause):
		}
		pause = min(2*pause, time.Second)
	}
}
