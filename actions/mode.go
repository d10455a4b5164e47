package actions

import (
	"fmt"
	"slices"
)

// Modes a run can take.
const (
	ModeUp      = "up"
	ModePreview = "preview"
	ModeDestroy = "destroy"
	ModeRefresh = "refresh"
	ModeOutput  = "output"
	ModeReap    = "reap"
	ModeStats   = "stats"
	ModeSkip    = "skip"
)

// Plan is what one run does, and for which environment.
type Plan struct {
	Mode   string
	PR     int    // 0 when the environment is named by stack-name, or for reap
	Env    string // stack-name, when given
	Reason string // why, for a skip's notice
	// Group is the PR group the event's PR joins after its up (its body or
	// labels say "prenv-group: <name>"); its destroy leaves every group.
	Group string
}

// upActions are the pull_request actions after which the PR's environment
// should match its head.
var upActions = []string{"opened", "synchronize", "reopened", "ready_for_review", "labeled"}

// Decide picks what the run does from the command input and the event:
// auto brings a PR's environment up on open and push, destroys it on
// close, and reaps on schedule or dispatch. Fork PRs, drafts (unless
// include-drafts) and PRs without require-label are skipped.
func Decide(in Inputs, ev Event) (Plan, error) {
	plan := Plan{Mode: in.Command, PR: in.PRNumber, Env: in.StackName}
	if plan.PR == 0 && plan.Env == "" && ev.PR != nil {
		plan.PR = ev.PR.Number
	}
	if in.Command == "auto" {
		switch {
		case ev.PR != nil && ev.Action == "closed":
			plan.Mode = ModeDestroy
		case ev.PR != nil && slices.Contains(upActions, ev.Action):
			plan.Mode = ModeUp
		case ev.PR != nil:
			return skip(plan, fmt.Sprintf("pull_request %q does not change the environment", ev.Action)), nil
		case ev.Name == "schedule" || (ev.Name == "workflow_dispatch" && plan.PR == 0 && plan.Env == ""):
			plan.Mode = ModeReap
		case plan.PR != 0 || plan.Env != "":
			plan.Mode = ModeUp
		default:
			return plan, fmt.Errorf("command auto cannot pick a mode for event %q: set the command input (up, destroy, reap, ...)", ev.Name)
		}
	}
	// The event's own PR, whether named by number or as its pr-<n> stack.
	own := ev.PR != nil && (plan.PR == ev.PR.Number || plan.Env == fmt.Sprintf("pr-%d", ev.PR.Number))
	if own && ev.PR.Fork() {
		return skip(plan, fmt.Sprintf("pull request #%d comes from the fork %s, whose runs get no secrets; push the branch to this repository to preview it", ev.PR.Number, ev.PR.HeadRepo)), nil
	}
	if plan.Mode == ModeUp && own {
		switch {
		case ev.PR.State == "closed":
			return skip(plan, fmt.Sprintf("pull request #%d is closed; reopen it to bring its environment back", ev.PR.Number)), nil
		case ev.PR.Draft && !in.IncludeDrafts:
			return skip(plan, fmt.Sprintf("pull request #%d is a draft; mark it ready for review, or set include-drafts: true", ev.PR.Number)), nil
		case in.RequireLabel != "" && !slices.Contains(ev.PR.Labels, in.RequireLabel):
			return skip(plan, fmt.Sprintf("pull request #%d lacks the label %q that require-label asks for", ev.PR.Number, in.RequireLabel)), nil
		}
	}
	if own && plan.Mode == ModeUp {
		plan.Group = ev.PR.Group
	}
	if plan.Mode == ModeStats { // the whole project's, whatever the event
		plan.PR, plan.Env = 0, ""
	}
	if plan.Mode != ModeReap && plan.Mode != ModeStats && plan.PR == 0 && plan.Env == "" {
		return plan, fmt.Errorf("command %s needs an environment: run on a pull_request event, or set pr-number or stack-name", plan.Mode)
	}
	return plan, nil
}

func skip(p Plan, reason string) Plan {
	p.Mode, p.Reason = ModeSkip, reason
	return p
}
