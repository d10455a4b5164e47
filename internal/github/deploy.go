package github

import (
	"context"
	"fmt"

	gh "github.com/google/go-github/v74/github"
)

// Deployment states prenv sets.
const (
	StateInProgress = "in_progress"
	StateSuccess    = "success"
	StateFailure    = "failure"
	StateInactive   = "inactive"
)

const deployPermission = "deployments: write"

// StartDeployment records a deployment of ref to environment env, and
// marks it in progress. It returns the deployment's id.
func (c *Client) StartDeployment(ctx context.Context, env, ref, description string) (int64, error) {
	what := fmt.Sprintf("create a deployment of %s", env)
	d, _, err := c.gh.Repositories.CreateDeployment(ctx, c.owner, c.name, &gh.DeploymentRequest{
		Ref:                  &ref,
		Environment:          &env,
		Description:          &description,
		AutoMerge:            gh.Ptr(false),
		RequiredContexts:     &[]string{},
		TransientEnvironment: gh.Ptr(true),
	})
	if err != nil {
		return 0, explain(what, deployPermission, err)
	}
	return d.GetID(), c.SetDeploymentState(ctx, d.GetID(), StateInProgress, "")
}

// SetDeploymentState adds a status to deployment id. url, when set, is the
// environment's URL.
func (c *Client) SetDeploymentState(ctx context.Context, id int64, state, url string) error {
	req := &gh.DeploymentStatusRequest{State: &state}
	if url != "" {
		req.EnvironmentURL = &url
	}
	_, _, err := c.gh.Repositories.CreateDeploymentStatus(ctx, c.owner, c.name, id, req)
	return explain(fmt.Sprintf("mark deployment %d %s", id, state), deployPermission, err)
}

// DeactivateDeployments marks every deployment of environment env
// inactive, after the environment is destroyed.
func (c *Client) DeactivateDeployments(ctx context.Context, env string) error {
	what := fmt.Sprintf("deactivate the deployments of %s", env)
	opts := &gh.DeploymentsListOptions{Environment: env, ListOptions: gh.ListOptions{PerPage: perPage}}
	for {
		deployments, resp, err := c.gh.Repositories.ListDeployments(ctx, c.owner, c.name, opts)
		if err != nil {
			return explain(what, deployPermission, err)
		}
		for _, d := range deployments {
			if err := c.SetDeploymentState(ctx, d.GetID(), StateInactive, ""); err != nil {
				return err
			}
		}
		if resp.NextPage == 0 {
			return nil
		}
		opts.Page = resp.NextPage
	}
}
