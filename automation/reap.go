package automation

import (
	"context"
	"fmt"
	"path"
	"slices"
	"sync"
	"time"

	"github.com/prenv/prenv/internal/naming"
	"github.com/prenv/prenv/stacks"
)

// DefaultMaxDeletions caps how many stacks one reap may destroy.
const DefaultMaxDeletions = 20

// ReapPolicy is what a reap decides with. OpenPRs must be the complete
// list of open pull requests: a partial listing must never reach here.
type ReapPolicy struct {
	Now          time.Time
	OpenPRs      []int
	Protect      []string // globs of stack names never reaped
	MaxDeletions int      // 0 means DefaultMaxDeletions
	Force        bool     // allow reaping more than half of the owned stacks
	// Repo, when set, is the repository the reap is for: a stack that
	// records another repository (two repositories sharing a backend and
	// a project name) is never reaped.
	Repo string
}

// halfGuardFloor is the number of closed-PR candidates from which the
// more-than-half guard applies: below it, a small project whose last
// environments' PRs closed could otherwise never be reaped.
const halfGuardFloor = 3

// ReapDecision is what a reap does with one stack, and why.
type ReapDecision struct {
	Stack  StackInfo
	PR     int    // 0 for stacks that are not a PR's
	Reap   bool   // destroy and remove it
	Reason string // "closed", "expired", or why it is kept
}

// PlanReap decides, for every stack of the project, whether a reap
// destroys it. It reaps only what it can prove is prenv's: stacks named
// pr-<n> or grp-<name> (a PR group) that carry prenv's lifetime outputs,
// outside the protect globs, not running, and whose PR is closed (a
// group's members all are) or whose expiry has passed. It
// refuses a plan that would destroy more than the maximum, or more than
// half of the owned stacks unless forced.
func PlanReap(stacks []StackInfo, p ReapPolicy) ([]ReapDecision, error) {
	maxDeletions := p.MaxDeletions
	if maxDeletions == 0 {
		maxDeletions = DefaultMaxDeletions
	}
	var (
		plan                []ReapDecision
		owned, reap, closed int
	)
	for _, st := range stacks {
		d := ReapDecision{Stack: st}
		pr, isPR := naming.PRFromEnv(st.Name)
		_, isGroup := naming.GroupFromEnv(st.Name)
		d.PR = pr
		switch {
		case !isPR && !isGroup:
			d.Reason = "not a PR environment"
		case protected(st.Name, p.Protect):
			d.Reason = "protected"
		case st.CreatedAt.IsZero():
			d.Reason = "no prenv lifetime outputs: not provably prenv's"
		case p.Repo != "" && st.Repo != "" && st.Repo != p.Repo:
			d.Reason = "another repository's (" + st.Repo + ")"
		default:
			owned++
			switch {
			case st.Running:
				d.Reason = "an update holds it"
			case isGroup && !anyOpen(st.Members, p.OpenPRs):
				d.Reap, d.Reason = true, "closed: no member is open"
				closed++
			case isPR && !slices.Contains(p.OpenPRs, pr):
				d.Reap, d.Reason = true, "closed"
				closed++
			case !st.ExpiresAt.IsZero() && p.Now.After(st.ExpiresAt):
				d.Reap, d.Reason = true, "expired"
			default:
				d.Reason = "open and within its TTL"
			}
		}
		if d.Reap {
			reap++
		}
		plan = append(plan, d)
	}
	switch {
	case reap > maxDeletions:
		return plan, fmt.Errorf("the reap would destroy %d stacks, over the maximum of %d: check the open-PR list, or raise --max-deletions", reap, maxDeletions)
	// Only closed-PR candidates depend on the open-PR list, which is what
	// the guard doubts; expiry does not.
	case !p.Force && closed >= halfGuardFloor && closed*2 > owned:
		return plan, fmt.Errorf("the reap would destroy %d of %d prenv stacks as closed, more than half: check the open-PR list, or pass --force", closed, owned)
	}
	return plan, nil
}

// anyOpen reports whether one of a group's member environments is an
// open PR's.
func anyOpen(members []string, open []int) bool {
	for _, m := range members {
		if pr, ok := naming.PRFromEnv(m); ok && slices.Contains(open, pr) {
			return true
		}
	}
	return false
}

func protected(stack string, globs []string) bool {
	for _, g := range globs {
		if ok, _ := path.Match(g, stack); ok {
			return true
		}
	}
	return false
}

// ReapResult is what destroying one planned stack did.
type ReapResult struct {
	ReapDecision
	Err      error
	Duration time.Duration
}

// Reap destroys and removes the stacks plan marks for reaping, at most
// concurrency at a time. One stack's failure does not stop the others;
// each result carries its own error.
func Reap(ctx context.Context, eng Engine, project string, plan []ReapDecision, concurrency int, opts ...Option) []ReapResult {
	concurrency = max(concurrency, 1)
	var results []ReapResult
	for _, d := range plan {
		if d.Reap {
			results = append(results, ReapResult{ReapDecision: d})
		}
	}
	opts = append(slices.Clone(opts), Remove()) // built once: the goroutines share it
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			start := time.Now()
			r := &results[i]
			names, err := naming.ForEnv(project, r.Stack.Name)
			if err == nil {
				// The stack's own lifetime, as the plan read it, for those who
				// record the reap.
				env := stacks.Env{Names: names, Project: project, Repo: r.Stack.Repo, CreatedAt: r.Stack.CreatedAt, ExpiresAt: r.Stack.ExpiresAt}
				_, err = eng.Destroy(ctx, env, opts...)
			}
			r.Err, r.Duration = err, time.Since(start)
		})
	}
	wg.Wait()
	return results
}
