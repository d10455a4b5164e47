package actions

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/comment"
	"github.com/prenv/prenv/internal/github"
	"github.com/prenv/prenv/internal/session"
	"github.com/prenv/prenv/stacks"
)

// publish writes the report to the step summary and the PR comment, and
// returns err, the run's outcome.
func (x *Step) publish(ctx context.Context, s *session.Session, report comment.Report, err error) error {
	x.setFixedOutputs(s, report)
	body := report.Markdown(comment.CommentLimit)
	if x.in.CommentOnSummary {
		x.warn(x.Runner.AppendSummary(body))
	}
	if x.in.CommentOnPR && x.gh != nil && x.plan.PR != 0 {
		url, cerr := x.gh.StickyComment(ctx, x.plan.PR, github.Marker(x.gh.Repo(), s.Blueprint.Project, s.Env.Name), body)
		if cerr != nil {
			if err != nil {
				x.Runner.Error(cerr.Error()) // the run's own error is annotated on return
			} else {
				err = cerr
			}
		} else {
			fmt.Fprintf(x.Runner.Stdout, "prenv: commented on pull request #%d: %s\n", x.plan.PR, url)
		}
	}
	return err
}

// report describes the run for the comment and the summary.
func (x *Step) report(s *session.Session, res automation.Result, status comment.Status, err error) comment.Report {
	r := comment.Report{
		Env: s.Env.Name, Status: status, Duration: res.Duration, Changes: res.Changes, Outputs: res.Outputs,
		URL: outputString(res.Outputs, "url"),
	}
	if x.in.SuppressOutputs { // the step outputs keep them; the comment and summary show the URL alone
		r.Outputs = nil
	}
	if t, perr := time.Parse(time.RFC3339, outputString(res.Outputs, automation.OutputExpiresAt)); perr == nil {
		r.ExpiresAt = t
	}
	var changes *ChangesError
	switch {
	case errors.As(err, &changes) && changes.Op == "preview":
		r.Note = fmt.Sprintf("`expect-no-changes` is set, and the preview found changes (%s): nothing was applied.", changes.Summary)
	case errors.As(err, &changes):
		r.Note = fmt.Sprintf("`expect-no-changes` is set, and the %s found changes (%s).", changes.Op, changes.Summary)
	case err != nil:
		// The comment is public and unmasked: it gets no error text, which
		// can quote a database row or a command's output, only the run.
		r.Note = "The run failed; the cause is in [its log](" + x.runURL() + ")."
	}
	if s.ChangesUnknown != "" {
		r.Notices = append(r.Notices, changesUnknownNotice)
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
		if s.Env.SelfContained && s.Env.Name != stacks.BaselineName {
			r.Database = "built from the golden's source and anonymised"
		}
	}
	if status == comment.StatusDestroyed && err == nil {
		r.Note = "Its resources and stack are gone. Reopen the pull request or push to it to bring it back."
	}
	return r
}

// setFixedOutputs sets the outputs every mode has.
func (x *Step) setFixedOutputs(s *session.Session, report comment.Report) {
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
		x.warn(x.Runner.SetOutput(k, v))
	}
}

// setOutputs sets every stack output as a step output under its own name,
// masking secret values first, and returns them. Up withholds secret
// values, so they are read from the stack when there are any.
func (x *Step) setOutputs(ctx context.Context, s *session.Session, res automation.Result) (map[string]automation.Output, error) {
	outs := res.Outputs
	hasSecret := slices.ContainsFunc(slices.Collect(maps.Values(outs)), func(o automation.Output) bool { return o.Secret })
	if outs == nil || hasSecret {
		var err error
		if outs, err = s.Engine.Outputs(ctx, s.Env); err != nil {
			return nil, err
		}
	}
	for _, k := range slices.Sorted(maps.Keys(outs)) {
		v := outputText(outs[k].Value)
		if outs[k].Secret {
			x.Runner.AddMask(v)
		}
		if err := x.Runner.SetOutput(k, v); err != nil {
			return nil, err
		}
	}
	return outs, nil
}

// logResult ends an engine call's progress with a line saying what it
// did, as pulumi's own summary does: part of the output output.
func (x *Step) logResult(res automation.Result, err error) {
	if err == nil {
		fmt.Fprintf(x.Progress, "prenv %s of %s: %s (%s)\n", res.Op, res.Stack, res.Summary(), res.Duration.Round(100*time.Millisecond))
	}
}

// stopCommands stops the runner from reading workflow commands in what
// follows, the engine's and the services' own output, which could hold a
// line such as ::add-mask:: or ::error::; the returned func resumes them.
// Warnings that arrive meanwhile are held until then.
func (x *Step) stopCommands() (resume func()) {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	fmt.Fprintf(x.Runner.Stdout, "::stop-commands::%s\n", token)
	x.held = &[]string{}
	return func() {
		fmt.Fprintf(x.Runner.Stdout, "::%s::\n", token)
		held := *x.held
		x.held = nil
		for _, msg := range held {
			x.Runner.Warning(msg)
		}
	}
}

// warning annotates the run with msg, or holds it while workflow commands
// are stopped.
func (x *Step) warning(msg string) {
	if x.held != nil {
		*x.held = append(*x.held, msg)
		return
	}
	x.Runner.Warning(msg)
}

// warn annotates a failure that does not fail the run.
func (x *Step) warn(err error) {
	if err != nil {
		x.Runner.Warning(err.Error())
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

// runURL is the page of this workflow run.
func (x *Step) runURL() string {
	return fmt.Sprintf("%s/%s/actions/runs/%s", session.FirstOf(x.Runner.Getenv("GITHUB_SERVER_URL"), "https://github.com"), x.Runner.Getenv("GITHUB_REPOSITORY"), x.Runner.Getenv("GITHUB_RUN_ID"))
}
