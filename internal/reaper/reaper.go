package reaper

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/prenv/prenv/automation"
)

// Reaper destroys one project's pr-<n> stacks whose PR is closed or whose
// TTL has passed, and sweeps what its target left behind without a stack.
type Reaper struct {
	// Project names the stacks, and the orphan sightings file.
	Project string
	// Engine lists and destroys the project's stacks.
	Engine automation.Engine
	// PRs says which pull requests are open.
	PRs PRSource
	// Notifier, when set, is told of each environment the reap destroyed.
	Notifier Notifier
	// Orphans are the target's orphan finders, if it has any.
	Orphans []OrphanFinder
	// AfterReap, when set, runs once after a reap that destroyed stacks
	// (or tried to), with their names and the reap's log: the aws target's
	// sandbox routes follow the environments that went.
	AfterReap func(ctx context.Context, reaped []string, log io.Writer) error
}

// Notifier tells a pull request what the reap did to its environment.
type Notifier interface {
	// DeactivateDeployments marks env's deployments inactive: it is gone.
	DeactivateDeployments(ctx context.Context, env string) error
	// CommentExpired tells the open PR pr that its environment env of
	// project expired at expiresAt and was removed.
	CommentExpired(ctx context.Context, pr int, project, env string, expiresAt time.Time) error
}

// Run plans the reap, prints its table and, unless the plan is refused or
// opts.DryRun is set, destroys and removes the planned stacks, tells the
// Notifier, and sweeps the orphans that are due. One stack's failure does
// not stop the others; Run returns every error. A refused plan returns a
// *RefusedError and changes nothing.
func (r *Reaper) Run(ctx context.Context, opts Options) error {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	opts.Out, opts.Log = orDiscard(opts.Out), orDiscard(opts.Log)
	open, err := r.PRs.OpenPRs(ctx)
	if err != nil {
		return fmt.Errorf("%w; nothing was reaped", err)
	}
	list, err := r.Engine.List(ctx)
	if err != nil {
		return err
	}
	plan, err := r.plan(ctx, list, open, opts)
	var results []automation.ReapResult
	switch {
	case err != nil:
		report(opts, plan, nil, "refused, not run")
		return err
	case opts.DryRun:
		report(opts, plan, nil, "dry run")
	default:
		results = automation.Reap(ctx, r.Engine, r.Project, plan, opts.Concurrency, append(slices.Clone(opts.Engine), automation.Progress(opts.Log))...)
		report(opts, plan, results, "")
	}
	failed := r.notify(ctx, results)
	if len(results) > 0 && r.AfterReap != nil {
		reaped := make([]string, len(results))
		for i, res := range results {
			reaped[i] = res.Stack.Name
		}
		failed = append(failed, r.AfterReap(ctx, reaped, opts.Log))
	}
	names := make([]string, 0, len(list))
	for _, st := range list {
		names = append(names, st.Name)
	}
	failed = append(failed, r.sweepOrphans(ctx, names, opts)...)
	return errors.Join(failed...)
}

// plan decides what the reap destroys, and refuses a plan that fails a
// safety check.
func (r *Reaper) plan(ctx context.Context, list []automation.StackInfo, open []int, opts Options) ([]automation.ReapDecision, error) {
	plan, err := automation.PlanReap(list, automation.ReapPolicy{
		Now: opts.Now, OpenPRs: open, Protect: opts.Protect,
		MaxDeletions: opts.MaxDeletions, Force: opts.Force, Repo: opts.Repo,
	})
	if err == nil {
		err = unreadableLifetimes(plan)
	}
	if err == nil {
		err = r.PRs.ConfirmClosed(ctx, open, closedPRs(plan))
	}
	if err != nil {
		return plan, &RefusedError{Err: err}
	}
	return plan, nil
}

// notify tells the Notifier of each environment destroyed, and returns
// the failures, the destroys' own included.
func (r *Reaper) notify(ctx context.Context, results []automation.ReapResult) []error {
	var failed []error
	for _, res := range results {
		if res.Err != nil {
			failed = append(failed, fmt.Errorf("%s: %w", res.Stack.Name, res.Err))
			continue
		}
		if r.Notifier == nil {
			continue
		}
		failed = append(failed, r.Notifier.DeactivateDeployments(ctx, res.Stack.Name))
		if res.Reason == "expired" && res.PR != 0 { // a group has no PR to comment on
			failed = append(failed, r.Notifier.CommentExpired(ctx, res.PR, r.Project, res.Stack.Name, res.Stack.ExpiresAt))
		}
	}
	return failed
}

// unreadableLifetimes fails a plan in which no pr-<n> stack could be
// proven prenv's while some exist: on backends whose state prenv cannot
// read, every run would otherwise quietly keep every stack forever.
func unreadableLifetimes(plan []automation.ReapDecision) error {
	var owned, unread int
	for _, d := range plan {
		switch {
		case d.PR == 0:
		case d.Stack.CreatedAt.IsZero():
			unread++
		default:
			owned++
		}
	}
	if owned == 0 && unread > 0 {
		return fmt.Errorf("none of the %d pr-<n> stacks shows prenv's lifetime outputs, so none can be reaped: prenv did not create them, or they predate its lifetime outputs; destroy these with prenv destroy --pr N", unread)
	}
	return nil
}

// closedPRs are the PRs the plan reaps because they are not open.
func closedPRs(plan []automation.ReapDecision) []int {
	var closed []int
	for _, d := range plan {
		if d.Reap && d.Reason == "closed" {
			closed = append(closed, d.PR)
		}
	}
	return closed
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

// notice writes one line for the operator, as prenv's own notices read.
func notice(w io.Writer, msg string) { fmt.Fprintln(w, "prenv: "+msg) }
