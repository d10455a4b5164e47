package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/prenv/prenv/automation"
)

// reapRow is one line of the reap's table.
type reapRow struct {
	stack, prState, age, expires, action, result, took string
}

// reportReap writes the reap's table to stdout and, in a workflow, to the
// step summary. pending, when set, says why planned destroys did not run.
func (a *App) reportReap(plan []automation.ReapDecision, results []automation.ReapResult, pending string) {
	rows := reapRows(plan, results, pending, time.Now())
	fmt.Fprintf(a.Stdout, "%-12s %-9s %-7s %-20s %-7s %-28s %s\n", "STACK", "PR", "AGE", "EXPIRES", "ACTION", "RESULT", "DURATION")
	for _, r := range rows {
		fmt.Fprintf(a.Stdout, "%-12s %-9s %-7s %-20s %-7s %-28s %s\n", r.stack, r.prState, r.age, r.expires, r.action, r.result, r.took)
	}
	a.appendSummary(func(w io.Writer) {
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
		r := reapRow{stack: d.Stack.Name, prState: "-", age: "-", expires: "-", action: "keep", result: d.Reason}
		if d.PR != 0 {
			r.prState = "open"
			if d.Reason == "closed" {
				r.prState = "closed"
			}
		}
		if !d.Stack.CreatedAt.IsZero() {
			r.age = age(now.Sub(d.Stack.CreatedAt))
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

// appendSummary appends to the step summary file when the runner gave one.
func (a *App) appendSummary(write func(io.Writer)) {
	path := a.Getenv("GITHUB_STEP_SUMMARY")
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		a.notice("cannot write the step summary: " + err.Error())
		return
	}
	defer f.Close()
	var b strings.Builder
	write(&b)
	if _, err := f.WriteString(b.String() + "\n"); err != nil {
		a.notice("cannot write the step summary: " + err.Error())
	}
}
