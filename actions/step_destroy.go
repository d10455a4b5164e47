package actions

import (
	"context"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/comment"
	"github.com/prenv/prenv/internal/github"
)

// destroy runs the destroy mode. Destroying an environment that never
// existed succeeds, and then leaves no comment.
func (x *Step) destroy(ctx context.Context) error {
	s, err := x.open(ctx)
	if err != nil {
		return err
	}
	if err := x.saveState(s); err != nil { // a cancelled destroy's lock is freed by post
		return err
	}
	opts := x.operationOptions()
	if x.in.Remove {
		opts = append(opts, automation.Remove())
	}
	resume := x.stopCommands()
	res, err := s.Engine.Destroy(ctx, s.Env, opts...)
	x.logResult(res, err)
	if err == nil {
		err = s.AfterDestroy(ctx, x.Progress)
	}
	resume()
	status := comment.StatusDestroyed
	if len(x.in.Targets) > 0 { // the stack keeps the resources left out
		status = statusPartlyDestroyed
	}
	if err != nil {
		status = comment.StatusFailed
	}
	report := x.report(s, res, status, err)
	if err == nil && status == comment.StatusDestroyed && x.gh != nil && x.plan.PR != 0 && x.in.Deployment {
		x.warn(x.gh.DeactivateDeployments(ctx, s.Env.Name))
	}
	x.setFixedOutputs(s, report)
	if x.in.CommentOnSummary {
		x.warn(x.Runner.AppendSummary(report.Markdown(comment.CommentLimit)))
	}
	if x.in.CommentOnPR && x.gh != nil && x.plan.PR != 0 {
		_, cerr := x.gh.EditStickyComment(ctx, x.plan.PR, github.Marker(x.gh.Repo(), s.Blueprint.Project, s.Env.Name), report.Markdown(comment.CommentLimit))
		x.warn(cerr)
	}
	return err
}

// statusPartlyDestroyed is a destroy that the target input limited.
const statusPartlyDestroyed comment.Status = "partly destroyed (the resources the target input names)"

// query runs the refresh and output modes.
func (x *Step) query(ctx context.Context) error {
	s, err := x.open(ctx)
	if err != nil {
		return err
	}
	res := automation.Result{Stack: s.Env.Stack}
	if x.plan.Mode == ModeRefresh {
		if err := x.saveState(s); err != nil {
			return err
		}
		res, err = s.Engine.Refresh(ctx, s.Env, x.operationOptions()...)
		x.logResult(res, err)
		if err != nil {
			return err
		}
	}
	if _, err := x.setOutputs(ctx, s, res); err != nil {
		return err
	}
	return unexpectedChanges(x.in, res)
}
