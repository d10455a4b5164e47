package github

import (
	"context"
	"fmt"
)

// WorkflowRun is what prenv reads of a GitHub Actions workflow run.
type WorkflowRun struct {
	ID         int64
	Status     string // queued, in_progress, completed, ...
	Conclusion string // success, failure, cancelled, ... once completed
	Attempt    int    // the run's latest attempt
}

// Completed reports whether the run's attempt has completed: the run is
// completed, or a later attempt has begun, which GitHub allows only once
// the earlier one completed. An unknown attempt (0) is completed only
// with the run.
func (r WorkflowRun) Completed(attempt int) bool {
	return r.Status == "completed" || (attempt > 0 && r.Attempt > attempt)
}

// WorkflowRun reads run id of the client's repository, in one call.
func (c *Client) WorkflowRun(ctx context.Context, id int64) (WorkflowRun, error) {
	run, _, err := c.gh.Actions.GetWorkflowRunByID(ctx, c.owner, c.name, id)
	if err != nil {
		return WorkflowRun{}, explain(fmt.Sprintf("read workflow run %d of %s", id, c.repo), "actions: read", err)
	}
	return WorkflowRun{ID: run.GetID(), Status: run.GetStatus(), Conclusion: run.GetConclusion(), Attempt: run.GetRunAttempt()}, nil
}
