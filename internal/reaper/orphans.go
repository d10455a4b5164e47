package reaper

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/prenv/prenv/internal/comment"
	"github.com/prenv/prenv/stacks"
)

// OrphanFinder is one target's way to find what it left behind for PR
// environments without a stack, and to delete it.
type OrphanFinder interface {
	// Orphans lists the project's orphans: what the target holds for PR
	// environments not in live, the names of the project's stacks.
	Orphans(ctx context.Context, live []string) ([]stacks.Orphan, error)
	// Sweep deletes orphans Orphans returned. It goes on past a failure.
	Sweep(ctx context.Context, orphans []stacks.Orphan) error
}

// Unavailable is the finder of a target whose orphans cannot be looked
// for (no cluster to ask, say): the reap still runs, and err is returned
// where the orphans would have been reported.
func Unavailable(err error) OrphanFinder { return unavailable{err} }

type unavailable struct{ err error }

func (u unavailable) Orphans(context.Context, []string) ([]stacks.Orphan, error) { return nil, u.err }
func (u unavailable) Sweep(context.Context, []stacks.Orphan) error               { return nil }

// sweepOrphans reports each finder's orphans, and deletes those past the
// grace period unless the sweep is refused. An orphan whose age its
// target cannot tell is aged from its first sighting, kept in
// <SightingsDir>/<project>.json, so a resource an up is creating right
// now (before its stack lists it) is never swept.
func (r *Reaper) sweepOrphans(ctx context.Context, stackNames []string, opts Options) []error {
	if len(r.Orphans) == 0 {
		return nil
	}
	var errs []error
	seen := sightings{}
	path := ""
	if opts.SightingsDir != "" {
		path = filepath.Join(opts.SightingsDir, r.Project+".json")
		var err error
		if seen, err = readSightings(path); err != nil {
			return []error{err}
		}
	}
	next := sightings{}
	due := make([][]stacks.Orphan, len(r.Orphans)) // by finder
	var lines []orphanLine
	lost := false // a finder failed: its earlier sightings must outlive this reap
	for i, f := range r.Orphans {
		orphans, err := f.Orphans(ctx, stackNames)
		if err != nil {
			errs, lost = append(errs, err), true
			continue
		}
		for _, o := range orphans {
			line := judge(o, seen, next, opts)
			if line.due {
				due[i] = append(due[i], o)
			}
			lines = append(lines, line)
		}
	}
	if lost {
		next.keep(seen)
	}
	all := slices.Concat(due...)
	refusal := sweepRefusal(stackNames, all, opts)
	for _, l := range lines {
		if l.due && refusal != "" {
			l.state = "due for deletion, not deleted (see below)"
		}
		fmt.Fprintf(opts.Out, "orphan %-8s %-40s of %s: %s\n", l.orphan.Kind, l.orphan.Name, l.orphan.Env, l.state)
	}
	if refusal != "" {
		fmt.Fprintf(opts.Out, "orphans: %d due for deletion, none deleted: %s\n", len(all), refusal)
		clear(due)
	}
	for i, f := range r.Orphans {
		if len(due[i]) == 0 {
			continue
		}
		if err := f.Sweep(ctx, due[i]); err != nil {
			errs = append(errs, err)
		}
		for _, o := range due[i] {
			delete(next, o.Key())
		}
	}
	if path != "" && (len(seen) > 0 || len(next) > 0) {
		if err := writeSightings(path, next); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// orphanLine is what the reap says of one orphan.
type orphanLine struct {
	orphan stacks.Orphan
	state  string
	due    bool // past its grace period and to be deleted
}

// judge decides whether o is due for deletion, and records its first
// sighting in next when its target cannot tell its age.
func judge(o stacks.Orphan, seen, next sightings, opts Options) orphanLine {
	l := orphanLine{orphan: o}
	created, sighted := o.Created, o.Created.IsZero()
	if sighted {
		created = seen.first(o.Key(), opts.Now)
		next[o.Key()] = created
	}
	old := opts.Now.Sub(created)
	switch {
	case o.Terminating:
		l.state = "being deleted"
	case old < opts.OrphanGrace && sighted:
		l.state = fmt.Sprintf("first seen %s ago, kept for the %s grace period", comment.Age(old), opts.OrphanGrace)
	case old < opts.OrphanGrace:
		l.state = fmt.Sprintf("%s old, kept for the %s grace period", comment.Age(old), opts.OrphanGrace)
	case o.OnRequest && !opts.DeleteOrphans:
		l.state = "reported; pass --delete-orphans to delete it"
	case opts.DryRun:
		l.state = "would be deleted (dry run)"
	default:
		l.state, l.due = "deleted", true
	}
	return l
}

// sweepRefusal says why a sweep must not delete due, or "": with no stacks
// at all (a wrong backend would make everything look orphaned), or more
// environments' leftovers than --max-deletions, only --force deletes.
func sweepRefusal(stackNames []string, due []stacks.Orphan, opts Options) string {
	if opts.Force || len(due) == 0 {
		return ""
	}
	envs := map[string]bool{}
	for _, o := range due {
		envs[o.Env] = true
	}
	switch {
	case len(stackNames) == 0:
		return "the project has no stacks at all; check --backend, or pass --force"
	case len(envs) > opts.maxDeletions():
		return fmt.Sprintf("they belong to %d environments, over --max-deletions %d; check --backend, or pass --force", len(envs), opts.maxDeletions())
	}
	return ""
}
