package pulumi

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/proc"
	"github.com/prenv/prenv/internal/state"
)

// recordRun writes this operation's run record beside the stack's lock
// and returns the function that removes it once the operation is over.
// A record that cannot be written is reported and the operation goes on:
// only the next run's judgement of a lock it leaves is the poorer.
func (p *Engine) recordRun(ctx context.Context, stack string, o automation.Options) (remove func()) {
	r, err := p.state.WriteRun(ctx, p.cfg.Project, state.RunRecord{
		Stack: stack, User: p.user, Host: p.host, PID: os.Getpid(), Started: time.Now(), Run: o.Run,
	})
	if err != nil {
		fmt.Fprintf(o.Progress, "cannot record this run beside the lock of %s (%v): a lock it leaves can be traced to no GitHub run\n", stack, err)
		return func() {}
	}
	return func() {
		// A cancelled operation still removes its record.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := p.state.RemoveRun(ctx, r); err != nil {
			fmt.Fprintf(o.Progress, "cannot remove this run's record beside the lock of %s: %v\n", stack, err)
		}
	}
}

// stackLocks reads the stack's locks and, when it has any, the run
// records that may trace them, naming each lock's run in its holder.
// Records of this host whose process is gone trace nothing any more and
// are removed. Records that cannot be read are reported to o.Progress,
// and the locks are then judged without them.
func (p *Engine) stackLocks(ctx context.Context, stack string, o automation.Options) ([]state.Lock, []state.RunRecord, error) {
	locks, err := p.state.Locks(ctx, p.cfg.Project, stack)
	if err != nil || len(locks) == 0 {
		return locks, nil, err
	}
	all, err := p.state.Runs(ctx, p.cfg.Project, stack)
	if err != nil {
		fmt.Fprintf(o.Progress, "cannot read the run records beside the lock of %s (%v): its holder's GitHub run is unknown\n", stack, err)
		return locks, nil, nil
	}
	var runs []state.RunRecord
	for _, r := range all {
		if r.Host == p.host && !proc.Alive(r.PID, 0) {
			_ = p.state.RemoveRun(ctx, r) // a leftover; failing to tidy it is harmless
			continue
		}
		runs = append(runs, r)
	}
	for i := range locks {
		if c := candidates(locks[i].Holder, runs, o.MaxJobTime); len(c) > 0 {
			locks[i].Holder.Run = c[len(c)-1].Run
		}
	}
	return locks, runs, nil
}

// candidates returns the records that may be of the run that took lock h,
// oldest first: written on its host by its user (the pulumi CLI that
// wrote the lock is a child of that run) at most maxJobTime before the
// lock was taken. Both times come from that host's clock.
func candidates(h automation.LockHolder, runs []state.RunRecord, maxJobTime time.Duration) []state.RunRecord {
	if h.Unreadable || h.Host == "" || h.Since.IsZero() {
		return nil
	}
	var out []state.RunRecord
	for _, r := range runs {
		if r.Host != h.Host || (r.User != "" && h.User != "" && r.User != h.User) ||
			r.Started.After(h.Since) || h.Since.Sub(r.Started) > maxJobTime {
			continue
		}
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b state.RunRecord) int { return a.Started.Compare(b.Started) })
	return out
}

// runJudge asks GitHub, for one operation, whether the runs that may
// hold a lock have completed.
type runJudge struct {
	check    automation.RunChecker
	progress io.Writer
	unsure   map[automation.RunInfo]bool // runs GitHub could not answer for, already reported
}

func newRunJudge(o automation.Options) *runJudge {
	return &runJudge{check: o.RunStatus, progress: o.Progress, unsure: map[automation.RunInfo]bool{}}
}

// ended says why lock h of stack is stale by its run, or "" if it may be
// live: every record that may be its run's names a GitHub Actions run,
// and GitHub says each has completed. A lock of this host is judged by
// its process alone, and a run GitHub cannot answer for keeps its lock.
func (j *runJudge) ended(ctx context.Context, stack string, h automation.LockHolder, runs []state.RunRecord, thisHost string, maxJobTime time.Duration) string {
	if j.check == nil || h.Host == thisHost {
		return ""
	}
	c := candidates(h, runs, maxJobTime)
	if len(c) == 0 {
		return ""
	}
	var why []string
	for _, r := range c {
		if r.Run.IsZero() {
			return "" // a run outside Actions: GitHub cannot vouch for it
		}
		done, err := j.check(ctx, r.Run)
		if err != nil {
			if !j.unsure[r.Run] {
				j.unsure[r.Run] = true
				fmt.Fprintf(j.progress, "cannot ask GitHub whether %s, which holds the lock of %s, is completed (%v): the lock is kept\n", r.Run, stack, err)
			}
			return ""
		}
		if !done {
			return ""
		}
		if s := r.Run.String() + " is completed"; !slices.Contains(why, s) {
			why = append(why, s)
		}
	}
	return strings.Join(why, " and ")
}
