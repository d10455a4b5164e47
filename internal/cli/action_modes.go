package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/prenv/prenv/internal/session"

	"github.com/prenv/prenv/actions"
	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/github"
	"github.com/prenv/prenv/stacks"
)

// up runs the up and preview modes: the deployment goes in progress, the
// engine runs, then outputs, the comment, the summary and the
// deployment's final state report the result, failure included.
func (x *actionRun) up(ctx context.Context, ev actions.Event) error {
	f := x.flags()
	s, err := x.open(ctx, f, true)
	if err != nil {
		return err
	}
	s.Env.Config = x.in.ConfigMap
	if err := x.saveState(s); err != nil {
		return err
	}
	opts := []automation.Option{
		automation.WaitForLock(x.in.WaitForLock), automation.MaxJobTime(f.maxJobTime),
		automation.Progress(x.Stderr),
	}
	if x.in.Refresh {
		opts = append(opts, automation.RefreshFirst())
	}
	if x.plan.Mode == actions.ModePreview {
		resume := x.stopCommands()
		res, err := s.Engine.Preview(ctx, s.Env, opts...)
		resume()
		report := x.report(s, res, "planned", err)
		return x.publish(ctx, s, report, err)
	}
	if x.in.Diff {
		x.r.Group("prenv preview of " + s.Env.Name)
		resume := x.stopCommands()
		_, err := s.Engine.Preview(ctx, s.Env, opts[:2]...)
		resume()
		x.r.EndGroup()
		if err != nil {
			return x.publish(ctx, s, x.report(s, automation.Result{}, "failed", err), err)
		}
	}
	deployment := x.startDeployment(ctx, s, ev)
	resume := x.stopCommands()
	res, err := s.Engine.Up(ctx, s.Env, opts...)
	resume()
	for _, line := range res.Recovered {
		x.r.Notice("prenv recovered: " + line)
	}
	if err == nil {
		err = x.setOutputs(ctx, s, res)
	}
	if err == nil && x.in.WaitForURL > 0 {
		err = waitForURL(ctx, outputString(res.Outputs, "url"), healthPath(s.Blueprint), x.in.WaitForURL)
	}
	if err == nil {
		err = x.afterSandboxChange(ctx, s)
	}
	status := "ready"
	if err != nil {
		status = "failed"
	}
	report := x.report(s, res, status, err)
	if deployment != 0 {
		state := github.StateSuccess
		if err != nil {
			state = github.StateFailure
		}
		x.warn(x.gh.SetDeploymentState(ctx, deployment, state, report.URL))
	}
	return x.publish(ctx, s, report, err)
}

// startDeployment creates the PR's deployment, or returns 0 when the
// inputs or the event call for none. Its failure is a warning: the
// environment matters more than the button.
func (x *actionRun) startDeployment(ctx context.Context, s *session.Session, ev actions.Event) int64 {
	if !x.in.Deployment || x.gh == nil || x.plan.PR == 0 {
		return 0
	}
	ref := x.Getenv("GITHUB_SHA")
	if ev.PR != nil && ev.PR.Number == x.plan.PR && ev.PR.HeadSHA != "" {
		ref = ev.PR.HeadSHA
	}
	id, err := x.gh.StartDeployment(ctx, s.Env.Name, ref, "prenv up of "+s.Env.Name)
	x.warn(err)
	return id
}

// destroy runs the destroy mode. Destroying an environment that never
// existed succeeds, and then leaves no comment.
func (x *actionRun) destroy(ctx context.Context, f *envFlags) error {
	s, err := x.open(ctx, f, true)
	if err != nil {
		return err
	}
	if err := x.saveState(s); err != nil { // a cancelled destroy's lock is freed by post
		return err
	}
	var opts []automation.Option
	if x.in.Remove {
		opts = append(opts, automation.Remove())
	}
	opts = append(opts, automation.WaitForLock(x.in.WaitForLock), automation.Progress(x.Stderr))
	resume := x.stopCommands()
	res, err := s.Engine.Destroy(ctx, s.Env, opts...)
	if err == nil {
		err = x.afterSandboxChange(ctx, s)
	}
	resume()
	status := "destroyed"
	if err != nil {
		status = "failed"
	}
	report := x.report(s, res, status, err)
	if err == nil && x.gh != nil && x.plan.PR != 0 && x.in.Deployment {
		x.warn(x.gh.DeactivateDeployments(ctx, s.Env.Name))
	}
	x.setFixedOutputs(s, report)
	if x.in.CommentOnSummary {
		x.warn(x.r.AppendSummary(report.Markdown(actions.CommentLimit)))
	}
	if x.in.CommentOnPR && x.gh != nil && x.plan.PR != 0 {
		_, cerr := x.gh.EditStickyComment(ctx, x.plan.PR, github.Marker(x.gh.Repo(), s.Blueprint.Project, s.Env.Name), report.Markdown(actions.CommentLimit))
		x.warn(cerr)
	}
	return err
}

// query runs the refresh and output modes.
func (x *actionRun) query(ctx context.Context) error {
	s, err := x.open(ctx, x.flags(), true)
	if err != nil {
		return err
	}
	res := automation.Result{Stack: s.Env.Stack}
	if x.plan.Mode == actions.ModeRefresh {
		if err := x.saveState(s); err != nil {
			return err
		}
		if res, err = s.Engine.Refresh(ctx, s.Env, automation.WaitForLock(x.in.WaitForLock), automation.Progress(x.Stderr)); err != nil {
			return err
		}
	}
	return x.setOutputs(ctx, s, res)
}

// publish writes the report to the step summary and the PR comment, and
// returns err, the run's outcome.
func (x *actionRun) publish(ctx context.Context, s *session.Session, report actions.Report, err error) error {
	x.setFixedOutputs(s, report)
	body := report.Markdown(actions.CommentLimit)
	if x.in.CommentOnSummary {
		x.warn(x.r.AppendSummary(body))
	}
	if x.in.CommentOnPR && x.gh != nil && x.plan.PR != 0 {
		url, cerr := x.gh.StickyComment(ctx, x.plan.PR, github.Marker(x.gh.Repo(), s.Blueprint.Project, s.Env.Name), body)
		if cerr != nil {
			if err != nil {
				x.r.Error(cerr.Error()) // the run's own error is annotated on return
			} else {
				err = cerr
			}
		} else {
			fmt.Fprintf(x.Stdout, "prenv: commented on pull request #%d: %s\n", x.plan.PR, url)
		}
	}
	return err
}

// report describes the run for the comment and the summary.
func (x *actionRun) report(s *session.Session, res automation.Result, status string, err error) actions.Report {
	r := actions.Report{
		Env: s.Env.Name, Status: status, Duration: res.Duration, Changes: res.Changes, Outputs: res.Outputs,
		URL: outputString(res.Outputs, "url"),
	}
	if t, perr := time.Parse(time.RFC3339, outputString(res.Outputs, automation.OutputExpiresAt)); perr == nil {
		r.ExpiresAt = t
	}
	if err != nil {
		// The comment is public and unmasked: it gets no error text, which
		// can quote a database row or a command's output, only the run.
		r.Note = "The run failed; the cause is in [its log](" + x.runURL() + ")."
	}
	for _, svc := range s.Blueprint.Services {
		if s.Blueprint.RunsOwn(svc, s.Env, s.Changed) {
			r.Sandboxed = append(r.Sandboxed, svc.Name)
		} else {
			r.Baseline = append(r.Baseline, svc.Name)
		}
	}
	if s.Blueprint.Database.Golden != "" {
		r.Database = fmt.Sprintf("%s clone of the anonymised golden", s.Blueprint.Database.Source)
	}
	if status == "destroyed" && err == nil {
		r.Note = "Its resources and stack are gone. Reopen the pull request or push to it to bring it back."
	}
	return r
}

// setFixedOutputs sets the outputs every mode has.
func (x *actionRun) setFixedOutputs(s *session.Session, report actions.Report) {
	expires := ""
	if !report.ExpiresAt.IsZero() {
		expires = report.ExpiresAt.UTC().Format(time.RFC3339)
	}
	changed := false
	for op, n := range report.Changes {
		changed = changed || (op != "same" && op != "read" && n > 0)
	}
	for k, v := range map[string]string{
		"preview-url": report.URL, "stack-name": s.Env.Stack, "env": s.Env.Name,
		"expires-at": expires, "changed": fmt.Sprint(changed),
	} {
		x.warn(x.r.SetOutput(k, v))
	}
}

// setOutputs sets every stack output as a step output under its own name,
// masking secret values first. Up withholds secret values, so they are
// read from the stack when there are any.
func (x *actionRun) setOutputs(ctx context.Context, s *session.Session, res automation.Result) error {
	outs := res.Outputs
	hasSecret := slices.ContainsFunc(slices.Collect(maps.Values(outs)), func(o automation.Output) bool { return o.Secret })
	if outs == nil || hasSecret {
		var err error
		if outs, err = s.Engine.Outputs(ctx, s.Env); err != nil {
			return err
		}
	}
	for _, k := range slices.Sorted(maps.Keys(outs)) {
		v := outputText(outs[k].Value)
		if outs[k].Secret {
			x.r.AddMask(v)
		}
		if err := x.r.SetOutput(k, v); err != nil {
			return err
		}
	}
	return nil
}

// stopCommands stops the runner from reading workflow commands in what
// follows, the engine's and the services' own output, which could hold a
// line such as ::add-mask:: or ::error::; the returned func resumes them.
func (x *actionRun) stopCommands() (resume func()) {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	fmt.Fprintf(x.Stdout, "::stop-commands::%s\n", token)
	return func() { fmt.Fprintf(x.Stdout, "::%s::\n", token) }
}

// warn annotates a failure that does not fail the run.
func (x *actionRun) warn(err error) {
	if err != nil {
		x.r.Warning(err.Error())
	}
}

func outputString(outs map[string]automation.Output, key string) string {
	if o, ok := outs[key]; ok && !o.Secret {
		s, _ := o.Value.(string)
		return s
	}
	return ""
}

func outputText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	data, _ := json.Marshal(v)
	return string(data)
}

func healthPath(bp *stacks.Blueprint) string {
	if e := bp.EntryService(); e != nil && e.Health != "" {
		return e.Health
	}
	return stacks.DefaultHealth
}

// runURL is the page of this workflow run.
func (x *actionRun) runURL() string {
	return fmt.Sprintf("%s/%s/actions/runs/%s", session.FirstOf(x.Getenv("GITHUB_SERVER_URL"), "https://github.com"), x.Getenv("GITHUB_REPOSITORY"), x.Getenv("GITHUB_RUN_ID"))
}
