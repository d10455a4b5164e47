package actions

import (
	"context"
	"errors"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/comment"
	"github.com/prenv/prenv/internal/github"
	"github.com/prenv/prenv/internal/session"
)

// up runs the up and preview modes: the deployment goes in progress, the
// engine runs, then outputs, the comment, the summary and the
// deployment's final state report the result, failure included.
func (x *Step) up(ctx context.Context, ev Event) error {
	s, err := x.open(ctx)
	if err != nil {
		return err
	}
	x.noticeUnknownChanges(s.Env.Name, s.ChangesUnknown)
	if err := x.saveState(s); err != nil {
		return err
	}
	opts := x.operationOptions()
	if x.in.Refresh {
		opts = append(opts, automation.RefreshFirst())
	}
	if x.plan.Mode == ModePreview {
		resume := x.stopCommands()
		res, err := s.Engine.Preview(ctx, s.Env, opts...)
		resume()
		x.logResult(res, err)
		if err == nil {
			err = unexpectedChanges(x.in, res)
		}
		status := comment.StatusPlanned
		if err != nil {
			status = comment.StatusFailed
		}
		return x.publish(ctx, s, x.report(s, res, status, err), err)
	}
	// expect-no-changes previews first, so a change it refuses is never applied.
	if x.in.Diff || x.in.ExpectNoChanges {
		x.Runner.Group("prenv preview of " + s.Env.Name)
		resume := x.stopCommands()
		res, err := s.Engine.Preview(ctx, s.Env, opts...)
		resume()
		x.logResult(res, err)
		x.Runner.EndGroup()
		if err == nil {
			err = unexpectedChanges(x.in, res)
		}
		if err != nil { // nothing changed: the report shows no changes, the note what the preview found
			return x.publish(ctx, s, x.report(s, automation.Result{Stack: res.Stack, Duration: res.Duration}, comment.StatusFailed, err), err)
		}
	}
	deployment := x.startDeployment(ctx, s, ev)
	resume := x.stopCommands()
	res, err := s.Engine.Up(ctx, s.Env, opts...) // with wait-for-url, until the URL answers
	resume()
	x.logResult(res, err)
	for _, line := range res.Recovered {
		x.Runner.Notice("prenv recovered: " + line)
	}
	var outputs map[string]automation.Output
	if err == nil || session.IsURLError(err) { // an environment whose URL is silent still has its outputs
		outs, oerr := x.setOutputs(ctx, s, res)
		if outputs = outs; err == nil {
			err = oerr
		}
	}
	if err == nil || session.IsURLError(err) { // up succeeded, whether or not the URL answered
		err = errors.Join(err, s.AfterChange(ctx, x.Progress))
	}
	if err == nil {
		err = x.joinGroup(ctx, s, ev)
	}
	if deployment != 0 {
		state := github.StateSuccess
		if err != nil {
			state = github.StateFailure
		}
		x.warn(x.gh.SetDeploymentState(ctx, deployment, state, outputString(res.Outputs, "url")))
	}
	status := comment.StatusReady
	if err != nil {
		status = comment.StatusFailed
	}
	report := x.report(s, res, status, err)
	if x.in.Ephemeral {
		report.Lifetime = "this job only: [its run](" + x.runURL() + ") destroys it when it ends"
	}
	if verr := x.verify(ctx, s, outputs, &report, err == nil); err == nil {
		err = verr
	}
	return x.publish(ctx, s, report, err)
}

// startDeployment creates the PR's deployment, or returns 0 when the
// inputs or the event call for none. Its failure is a warning: the
// environment matters more than the button.
func (x *Step) startDeployment(ctx context.Context, s *session.Session, ev Event) int64 {
	if !x.in.Deployment || x.gh == nil || x.plan.PR == 0 {
		return 0
	}
	ref := x.Runner.Getenv("GITHUB_SHA")
	if ev.PR != nil && ev.PR.Number == x.plan.PR && ev.PR.HeadSHA != "" {
		ref = ev.PR.HeadSHA
	}
	id, err := x.gh.StartDeployment(ctx, s.Env.Name, ref, "prenv up of "+s.Env.Name)
	x.warn(err)
	return id
}
