package terraform

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// erroredName is the file terraform writes its state to when it cannot
// save it to the backend.
const erroredName = "errored.tfstate"

// erroredPath is where prenv keeps the state a run could not save.
func (t *Engine) erroredPath(workspace string) string {
	return filepath.Join(t.cfg.StateDir, workspace, erroredName)
}

// refuseErrored fails while an earlier run's unsaved state is kept: a new
// apply would work from the older state and lose track of what was made.
func (t *Engine) refuseErrored(workspace string) error {
	path := t.erroredPath(workspace)
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	return fmt.Errorf("workspace %s has unsaved state from an earlier run in %s: push it with "+
		"`terraform workspace select %s && terraform state push %s` in the module's directory, then delete the file and run prenv again",
		workspace, path, workspace, path)
}

// keepErrored moves an errored.tfstate the run left into the workspace's
// directory, where refuseErrored finds it, and fails loudly.
func (t *Engine) keepErrored(r *runDir, workspace string) error {
	left := filepath.Join(r.dir, erroredName)
	if _, err := os.Stat(left); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	kept := t.erroredPath(workspace)
	if err := os.MkdirAll(filepath.Dir(kept), 0o700); err != nil {
		return fmt.Errorf("terraform could not save the state of %s and prenv could not keep it: %w: copy %s away before anything else", workspace, err, left)
	}
	if err := os.Rename(left, kept); err != nil {
		data, rerr := os.ReadFile(left)
		if rerr != nil || os.WriteFile(kept, data, 0o600) != nil {
			return fmt.Errorf("terraform could not save the state of %s and prenv could not keep it: %v: copy %s away before anything else", workspace, err, left)
		}
	}
	return fmt.Errorf("terraform could not save the state of %s: it is kept in %s; push it with "+
		"`terraform workspace select %s && terraform state push %s` in the module's directory, then delete the file; prenv refuses to apply until then",
		workspace, kept, workspace, kept)
}
