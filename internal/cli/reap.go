package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/naming"
)

// reapFlags are prenv reap's own flags.
type reapFlags struct {
	openPRs      string
	openPRsFile  string
	dryRun       bool
	force        bool
	maxDeletions int
	concurrency  int
	protect      []string
}

func (a *App) reapCommand() *cobra.Command {
	f, r := &envFlags{}, &reapFlags{}
	cmd := &cobra.Command{
		Use:   "reap",
		Short: "Destroy the environments of closed PRs and of expired TTLs",
		Long: "reap destroys and removes the pr-<n> stacks prenv created whose PR is closed or whose TTL has passed. " +
			"It never touches baseline, other names or protected stacks, and refuses a plan over --max-deletions or over half of the stacks unless --force.",
		Args: exactArgs(0),
	}
	f.registerProject(cmd)
	fs := cmd.Flags()
	fs.StringVar(&r.openPRs, "open-prs", "", "comma-separated numbers of the open pull requests")
	fs.StringVar(&r.openPRsFile, "open-prs-file", "", "file listing the open pull requests, one number a line")
	fs.BoolVar(&r.dryRun, "dry-run", false, "print the plan and change nothing")
	fs.BoolVar(&r.force, "force", false, "allow reaping more than half of the stacks")
	fs.IntVar(&r.maxDeletions, "max-deletions", automation.DefaultMaxDeletions, "most stacks one run may destroy")
	fs.IntVar(&r.concurrency, "concurrency", 4, "destroys run at once")
	fs.StringSliceVar(&r.protect, "protect", nil, "globs of stack names never reaped (added to the blueprint's policy.protect)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		open, err := r.openPRList()
		if err != nil {
			return err
		}
		s, err := a.open(cmd.Context(), f, false)
		if err != nil {
			return err
		}
		list, err := s.engine.List(cmd.Context())
		if err != nil {
			return err
		}
		plan, planErr := automation.PlanReap(list, automation.ReapPolicy{
			Now: time.Now(), OpenPRs: open, Protect: append(s.bp.Policy.Protect, r.protect...),
			MaxDeletions: r.maxDeletions, Force: r.force,
		})
		switch {
		case planErr != nil:
			a.printReap(plan, nil, "refused, not run")
			return planErr
		case r.dryRun:
			a.printReap(plan, nil, "dry run")
			return nil
		}
		results := automation.Reap(cmd.Context(), s.engine, s.bp.Project, plan, r.concurrency, automation.Progress(a.Stderr))
		a.printReap(plan, results, "")
		var failed []error
		for _, res := range results {
			if res.Err != nil {
				failed = append(failed, fmt.Errorf("%s: %w", res.Stack.Name, res.Err))
			}
		}
		return errors.Join(failed...)
	}
	return cmd
}

// openPRList reads the open pull requests from --open-prs or its file.
// Without either, reap cannot know which PRs are closed and refuses.
func (r *reapFlags) openPRList() ([]int, error) {
	text := r.openPRs
	switch {
	case r.openPRs != "" && r.openPRsFile != "":
		return nil, usage(errors.New("--open-prs and --open-prs-file both give the open PRs: pass one"))
	case r.openPRsFile != "":
		data, err := os.ReadFile(r.openPRsFile)
		if err != nil {
			return nil, usage(fmt.Errorf("read --open-prs-file: %w", err))
		}
		text = string(data)
	case r.openPRs == "":
		return nil, usage(errors.New("reap needs the complete list of open PRs: pass --open-prs 1,2,3 or --open-prs-file FILE (an empty file means none are open)"))
	}
	var open []int
	for _, field := range strings.FieldsFunc(text, func(c rune) bool { return c == ',' || c == '\n' || c == ' ' }) {
		pr, err := naming.ParsePR(field)
		if err != nil {
			return nil, usage(fmt.Errorf("open PR list: %w", err))
		}
		open = append(open, pr)
	}
	return open, nil
}

// printReap writes the table of stacks, decisions and results.
// pending, when set, says why planned destroys did not run.
func (a *App) printReap(plan []automation.ReapDecision, results []automation.ReapResult, pending string) {
	done := map[string]automation.ReapResult{}
	for _, r := range results {
		done[r.Stack.Name] = r
	}
	now := time.Now()
	fmt.Fprintf(a.Stdout, "%-12s %-9s %-7s %-20s %-7s %-28s %s\n", "STACK", "PR", "AGE", "EXPIRES", "ACTION", "RESULT", "DURATION")
	for _, d := range plan {
		prState, ageText, expires, action, result, took := "-", "-", "-", "keep", d.Reason, ""
		if d.PR != 0 {
			prState = "open"
			if d.Reason == "closed" {
				prState = "closed"
			}
		}
		if !d.Stack.CreatedAt.IsZero() {
			ageText = age(now.Sub(d.Stack.CreatedAt))
		}
		if !d.Stack.ExpiresAt.IsZero() {
			expires = d.Stack.ExpiresAt.UTC().Format(time.RFC3339)
		}
		if d.Reap {
			action, result = "destroy", pending+" ("+d.Reason+")"
			if r, ok := done[d.Stack.Name]; ok {
				result, took = "destroyed ("+d.Reason+")", fmt.Sprintf("%.1fs", r.Duration.Seconds())
				if r.Err != nil {
					result = "FAILED"
				}
			}
		}
		fmt.Fprintf(a.Stdout, "%-12s %-9s %-7s %-20s %-7s %-28s %s\n", d.Stack.Name, prState, ageText, expires, action, result, took)
	}
}
