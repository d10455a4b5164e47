package reaper_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// fakeEngine lists fixed stacks and records what is destroyed.
type fakeEngine struct {
	stacks []automation.StackInfo
	fail   map[string]error // Destroy's error, by stack

	mu        sync.Mutex
	destroyed []string
	runs      []automation.RunInfo // the run each destroy was told it belongs to
}

func (e *fakeEngine) List(context.Context) ([]automation.StackInfo, error) { return e.stacks, nil }

func (e *fakeEngine) Destroy(_ context.Context, env stacks.Env, opts ...automation.Option) (automation.Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.runs = append(e.runs, automation.Resolve(opts).Run)
	if err := e.fail[env.Name]; err != nil {
		return automation.Result{}, err
	}
	e.destroyed = append(e.destroyed, env.Name)
	return automation.Result{Stack: env.Name, Op: "destroy"}, nil
}

// gone returns the stacks destroyed, sorted.
func (e *fakeEngine) gone() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Sorted(slices.Values(e.destroyed))
}

var errNotReaping = errors.New("the reaper only lists and destroys")

func (e *fakeEngine) Up(context.Context, stacks.Env, ...automation.Option) (automation.Result, error) {
	return automation.Result{}, errNotReaping
}

func (e *fakeEngine) Preview(context.Context, stacks.Env, ...automation.Option) (automation.Result, error) {
	return automation.Result{}, errNotReaping
}

func (e *fakeEngine) Refresh(context.Context, stacks.Env, ...automation.Option) (automation.Result, error) {
	return automation.Result{}, errNotReaping
}

func (e *fakeEngine) Outputs(context.Context, stacks.Env) (map[string]automation.Output, error) {
	return nil, errNotReaping
}

func (e *fakeEngine) Cancel(context.Context, stacks.Env, ...automation.Option) (automation.CancelResult, error) {
	return automation.CancelResult{}, errNotReaping
}

// prenvStack is a stack prenv made, created a day before now.
func prenvStack(name string, now time.Time, expires time.Time) automation.StackInfo {
	return automation.StackInfo{Name: name, CreatedAt: now.Add(-24 * time.Hour), ExpiresAt: expires}
}

// fakeNotifier records what it is told.
type fakeNotifier struct {
	mu          sync.Mutex
	deactivated []string
	expired     []string // "pr-<n> of <project> at <time>"
}

func (n *fakeNotifier) DeactivateDeployments(_ context.Context, env string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.deactivated = append(n.deactivated, env)
	return nil
}

func (n *fakeNotifier) CommentExpired(_ context.Context, pr int, project, env string, at time.Time) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.expired = append(n.expired, env+" of "+project+" at "+at.UTC().Format(time.RFC3339))
	return nil
}

// fakePRs is a source whose listing or confirmation fails on request.
type fakePRs struct {
	open       []int
	listErr    error
	confirmErr error
}

func (p fakePRs) OpenPRs(context.Context) ([]int, error) { return p.open, p.listErr }

func (p fakePRs) ConfirmClosed(context.Context, []int, []int) error { return p.confirmErr }

// fakeFinder holds orphans until they are swept.
type fakeFinder struct {
	mu      sync.Mutex
	orphans []stacks.Orphan
	swept   []string // keys
}

func (f *fakeFinder) Orphans(_ context.Context, live []string) ([]stacks.Orphan, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []stacks.Orphan
	for _, o := range f.orphans {
		if !slices.Contains(live, o.Env) && !slices.Contains(f.swept, o.Key()) {
			out = append(out, o)
		}
	}
	return out, nil
}

func (f *fakeFinder) Sweep(_ context.Context, orphans []stacks.Orphan) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, o := range orphans {
		f.swept = append(f.swept, o.Key())
	}
	return nil
}
