package actions

import (
	"context"

	"github.com/prenv/prenv/internal/session"
)

// stats runs the stats mode: the project's report over stats-since, as a
// table in the log and, with comment-on-summary, as Markdown with mermaid
// charts in the step summary.
func (x *Step) stats(ctx context.Context) error {
	r, err := x.host().Stats(ctx, session.StatsRequest{
		Session: session.Options{
			Blueprint: x.blueprintPath(), Backend: x.in.BackendURL, AllowLocalState: x.in.AllowLocalState, Adjust: x.adjust,
		},
		Since: x.in.StatsSince,
	})
	if err != nil {
		return err
	}
	if err := r.WriteText(x.Runner.Stdout); err != nil {
		return err
	}
	if x.in.CommentOnSummary {
		return x.Runner.AppendSummary(r.Markdown())
	}
	return nil
}
