package terraform

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// erroredName is the file terraform writes its state to when it cannot
// save it to the backend.
const erroredName = "errored.tfstate"

// keepTimeout bounds keeping an errored state, which must happen even
// when the operation's context was cancelled.
const keepTimeout = time.Minute

// refuseErrored fails while an earlier run's unsaved state is kept: a new
// apply would work from the older state and lose track of what was made.
func (t *Engine) refuseErrored(ctx context.Context, workspace string) error {
	kept, found, err := t.state.Errored(ctx, t.cfg.Project, workspace)
	if err != nil {
		return fmt.Errorf("look for unsaved state of %s: %w", workspace, err)
	}
	if !found {
		return nil
	}
	return fmt.Errorf("workspace %s has unsaved state from an earlier run in %s: %s; prenv refuses to apply until then",
		workspace, kept, t.backend.pushHint(workspace, kept))
}

// keepErrored keeps an errored.tfstate the run left beside the
// workspace's state in the backend, where refuseErrored finds it on any
// machine, and fails loudly. If the backend cannot take it either, it is
// moved out of the run's directory, which is about to be removed.
func (t *Engine) keepErrored(ctx context.Context, r *runDir, workspace string) error {
	left := filepath.Join(r.dir, erroredName)
	data, err := os.ReadFile(left)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("terraform could not save the state of %s and prenv could not read what it left (%v): copy %s away before anything else", workspace, err, left)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), keepTimeout)
	defer cancel()
	kept, err := t.state.KeepErrored(ctx, t.cfg.Project, workspace, data)
	if err != nil {
		saved, serr := saveAside(left, workspace)
		if serr != nil {
			return fmt.Errorf("terraform could not save the state of %s, and neither could prenv (%v; %v): copy %s away before anything else", workspace, err, serr, left)
		}
		return fmt.Errorf("terraform could not save the state of %s, and prenv could not keep it in the backend (%v): it is in %s; push it with "+
			"`terraform workspace select %s && terraform state push %s` from a directory initialised on the backend before anything else",
			workspace, err, saved, workspace, saved)
	}
	return fmt.Errorf("terraform could not save the state of %s: it is kept in %s; %s; prenv refuses to apply until then",
		workspace, kept, t.backend.pushHint(workspace, kept))
}

// saveAside moves the file at path into a directory of its own that
// outlives the run.
func saveAside(path, workspace string) (string, error) {
	dir, err := os.MkdirTemp("", "prenv-errored-"+workspace+"-")
	if err != nil {
		return "", err
	}
	saved := filepath.Join(dir, erroredName)
	if err := os.Rename(path, saved); err != nil {
		return "", err
	}
	return saved, nil
}
