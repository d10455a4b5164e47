package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/prenv/prenv/internal/session"

	"github.com/prenv/prenv/internal/atomicfile"
	"github.com/prenv/prenv/stacks/local"
)

// sweepLocalOrphans reports the local resources of PR environments with no
// stack, and deletes those first seen at least the grace period ago. The
// first sightings are kept in <home>/orphans/<project>.json, so a resource
// an up is creating right now (before its stack lists it) is never swept.
func (a *App) sweepLocalOrphans(ctx context.Context, s *session.Session, lt local.Target, stackNames []string, r *reapFlags) []error {
	orphans, err := lt.Orphans(ctx, s.Blueprint.Project, stackNames)
	if err != nil {
		return []error{fmt.Errorf("look for orphaned local resources: %w", err)}
	}
	home, err := a.home()
	if err != nil {
		return []error{err}
	}
	path := filepath.Join(home, "orphans", s.Blueprint.Project+".json")
	seen, err := readSightings(path)
	if err != nil {
		return []error{err}
	}
	now := time.Now().UTC()
	next := map[string]time.Time{}
	var due []local.Orphan
	for _, o := range orphans {
		first, ok := seen[o.Key()]
		if !ok {
			first = now
		}
		next[o.Key()] = first
		state := fmt.Sprintf("first seen %s ago, kept for the %s grace period", age(now.Sub(first)), r.orphanGrace)
		if now.Sub(first) >= r.orphanGrace && !r.dryRun {
			due, state = append(due, o), "deleted"
		}
		fmt.Fprintf(a.Stdout, "orphan %-8s %-40s of %s: %s\n", o.Kind, o.Name, o.Env, state)
	}
	if refusal := sweepRefusal(stackNames, due, r); refusal != "" && len(due) > 0 {
		fmt.Fprintf(a.Stdout, "orphans: %d due for deletion, none deleted: %s\n", len(due), refusal)
		due = nil
	}
	errs := lt.Sweep(ctx, due)
	for _, o := range due {
		delete(next, o.Key())
	}
	if err := writeSightings(path, next); err != nil {
		errs = append(errs, err)
	}
	return errs
}

func readSightings(path string) (map[string]time.Time, error) {
	seen := map[string]time.Time{}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return seen, nil
	}
	if err == nil {
		err = json.Unmarshal(data, &seen)
	}
	if err != nil {
		return nil, fmt.Errorf("read the orphan sightings %s: %w; delete the file to start the grace periods anew", path, err)
	}
	return seen, nil
}

func writeSightings(path string, seen map[string]time.Time) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	data, err := json.MarshalIndent(seen, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, data, 0o600)
}

// sweepRefusal says why a sweep must not delete due, or "": with no stacks
// at all (a wrong backend would make everything look orphaned), or more
// environments' leftovers than --max-deletions, only --force deletes.
func sweepRefusal(stackNames []string, due []local.Orphan, r *reapFlags) string {
	if r.force {
		return ""
	}
	envs := map[string]bool{}
	for _, o := range due {
		envs[o.Env] = true
	}
	switch {
	case len(stackNames) == 0:
		return "the project has no stacks at all; check --backend, or pass --force"
	case len(envs) > r.maxDeletions:
		return fmt.Sprintf("they belong to %d environments, over --max-deletions %d; check --backend, or pass --force", len(envs), r.maxDeletions)
	}
	return ""
}
