package reaper

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/comment"
)

// reapRow is one line of the reap's table.
type reapRow struct {
	stack, prState, age, expires, action, result, took string
}

// report writes the reap's table to opts.Out and, when opts names one, to
// the step summary. pending, when set, says why planned destroys did not run.
func report(opts Options, plan []automation.ReapDecision, results []automation.ReapResult, pending string) {
	rows := reapRows(plan, results, pending, opts.Now)
	line := func(cells ...any) {
		// Rows without a duration would otherwise end in spaces.
		fmt.Fprintln(opts.Out, strings.TrimRight(fmt.Sprintf("%-12s %-9s %-7s %-20s %-7s %-28s %s", cells...), " "))
	}
	line("STACK", "PR", "AGE", "EXPIRES", "ACTION", "RESULT", "DURATION")
	for _, r := range rows {
		line(r.stack, r.prState, r.age, r.expires, r.action, r.result, r.took)
	}
	appendSummary(opts, func(w io.Writer) {
		fmt.Fprintf(w, "### prenv reap\n\n| Stack | PR | Age | Expires | Action | Result | Duration |\n|---|---|---|---|---|---|---|\n")
		for _, r := range rows {
			fmt.Fprintf(w, "| `%s` | %s | %s | %s | %s | %s | %s |\n", r.stack, r.prState, r.age, r.expires, r.action, r.result, r.took)
		}
	})
}

func reapRows(plan []automation.ReapDecision, results []automation.ReapResult, pending string, now time.Time) []reapRow {
	done := map[string]automation.ReapResult{}
	for _, r := range results {
		done[r.Stack.Name] = r
	}
	var rows []reapRow
	for _, d := range plan {
		r := reapRow{stack: d.Stack.Name, prState: prState(d), age: "-", expires: "-", action: "keep", result: d.Reason}
		if !d.Stack.CreatedAt.IsZero() {
			r.age = comment.Age(now.Sub(d.Stack.CreatedAt))
		}
		if !d.Stack.ExpiresAt.IsZero() {
			r.expires = d.Stack.ExpiresAt.UTC().Format(time.RFC3339)
		}
		if d.Reap {
			r.action, r.result = "destroy", pending+" ("+d.Reason+")"
			if res, ok := done[d.Stack.Name]; ok {
				r.result, r.took = "destroyed ("+d.Reason+")", fmt.Sprintf("%.1fs", res.Duration.Seconds())
				if res.Err != nil {
					r.result = "FAILED"
				}
			}
		}
		rows = append(rows, r)
	}
	return rows
}

// prState is d's PR as the plan judged it: closed, open, or unknown for a
// stack whose PR it did not judge (its lifetime unreadable, protected,
// another repository's, held by an update); "-" for no PR.
func prState(d automation.ReapDecision) string {
	switch {
	case d.PR == 0:
		return "-"
	case d.Reason == "closed":
		return "closed"
	case d.Reason == "expired" || d.Reason == "open and within its TTL":
		return "open"
	default:
		return "unknown"
	}
}

// appendSummary appends to the step summary file when opts names one. A
// summary that cannot be written is noted, and does not fail the reap.
func appendSummary(opts Options, write func(io.Writer)) {
	if opts.StepSummary == "" {
		return
	}
	f, err := os.OpenFile(opts.StepSummary, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		notice(opts.Log, "cannot write the step summary: "+err.Error())
		return
	}
	defer f.Close()
	var b strings.Builder
	write(&b)
	if _, err := f.WriteString(b.String() + "\n"); err != nil {
		notice(opts.Log, "cannot write the step summary: "+err.Error())
	}
}
