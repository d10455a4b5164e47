package local

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/prenv/prenv/stacks"
)

// OrphanFinder finds and sweeps one project's orphans on the local
// target, in the form the reaper takes. Their age is not known here: the
// reaper counts it from the first reap that saw them.
type OrphanFinder struct {
	Target  Target
	Project string
}

// Orphans lists the project's local orphans: what the target holds for
// PR environments not in live, the names of the project's stacks.
func (f OrphanFinder) Orphans(ctx context.Context, live []string) ([]stacks.Orphan, error) {
	found, err := f.Target.Orphans(ctx, f.Project, live)
	if err != nil {
		return nil, fmt.Errorf("look for orphaned local resources: %w", err)
	}
	out := make([]stacks.Orphan, 0, len(found))
	for _, o := range found {
		out = append(out, o.reported())
	}
	return out, nil
}

// Sweep deletes orphans Orphans returned, as Target.Sweep does, and
// returns every error.
func (f OrphanFinder) Sweep(ctx context.Context, orphans []stacks.Orphan) error {
	own := make([]Orphan, 0, len(orphans))
	var errs []error
	for _, o := range orphans {
		l, err := fromReported(o)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		own = append(own, l)
	}
	return errors.Join(append(errs, f.Target.Sweep(ctx, own)...)...)
}

// reported is o as the reaper takes it; its Key is o's own.
func (o Orphan) reported() stacks.Orphan {
	r := stacks.Orphan{Kind: o.Kind, Name: o.Name, Env: o.Env}
	if o.Kind == "process" {
		r.ID = strconv.FormatUint(o.Started, 10)
	}
	return r
}

// fromReported is the inverse of reported.
func fromReported(r stacks.Orphan) (Orphan, error) {
	o := Orphan{Kind: r.Kind, Name: r.Name, Env: r.Env}
	if r.Kind == "process" {
		started, err := strconv.ParseUint(r.ID, 10, 64)
		if err != nil {
			// Without its start time a reused pid could be another process.
			return Orphan{}, fmt.Errorf("orphaned process %s of %s has no start time %q: not stopped", r.Name, r.Env, r.ID)
		}
		o.Started = started
	}
	return o, nil
}

// OrphanFinder implements stacks.OrphanSource.
func (t Target) OrphanFinder(_ context.Context, bp *stacks.Blueprint) (stacks.OrphanFinder, error) {
	return OrphanFinder{Target: t, Project: bp.Project}, nil
}
