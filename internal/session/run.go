package session

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/github"
	"github.com/prenv/prenv/stacks"
)

// RunInfo is the GitHub Actions run this process is a step of, from
// GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT and GITHUB_JOB when
// GITHUB_ACTIONS is true; zero elsewhere.
func (h Host) RunInfo() (automation.RunInfo, error) {
	if h.Getenv("GITHUB_ACTIONS") != "true" || h.Getenv("GITHUB_RUN_ID") == "" {
		return automation.RunInfo{}, nil
	}
	id, err := strconv.ParseInt(h.Getenv("GITHUB_RUN_ID"), 10, 64)
	if err != nil || id <= 0 {
		return automation.RunInfo{}, stacks.Input(fmt.Errorf("GITHUB_RUN_ID %q is not a run number: leave it as GitHub Actions sets it, or unset GITHUB_ACTIONS outside Actions", h.Getenv("GITHUB_RUN_ID")))
	}
	attempt := 1
	if a := h.Getenv("GITHUB_RUN_ATTEMPT"); a != "" {
		if attempt, err = strconv.Atoi(a); err != nil || attempt < 1 {
			return automation.RunInfo{}, stacks.Input(fmt.Errorf("GITHUB_RUN_ATTEMPT %q is not an attempt number: leave it as GitHub Actions sets it, or unset it", a))
		}
	}
	repo := h.Getenv("GITHUB_REPOSITORY")
	if !repoPattern.MatchString(repo) {
		return automation.RunInfo{}, stacks.Input(fmt.Errorf("GITHUB_REPOSITORY %q is not owner/name: leave it as GitHub Actions sets it", repo))
	}
	return automation.RunInfo{Repo: repo, RunID: id, Attempt: attempt, Job: h.Getenv("GITHUB_JOB")}, nil
}

// LockOptions are the engine options that tie an operation's locks to
// GitHub Actions runs: automation.Run with this process's run, so a lock
// it leaves can be traced to it, and, given a GitHub token (token, else
// $GITHUB_TOKEN), automation.RunStatus, which asks GitHub whether the run
// that holds a lock has completed, at GITHUB_API_URL.
func (h Host) LockOptions(token string) ([]automation.Option, error) {
	run, err := h.RunInfo()
	if err != nil {
		return nil, err
	}
	opts := []automation.Option{automation.Run(run)}
	if token = FirstOf(token, h.Getenv("GITHUB_TOKEN")); token != "" {
		opts = append(opts, automation.RunStatus(RunStatus(token, h.Getenv("GITHUB_API_URL"))))
	}
	return opts, nil
}

// RunStatus asks GitHub, at apiURL (default GitHub.com) with token,
// whether a run has completed: one GET of the run per question, with a
// client per repository the runs name.
func RunStatus(token, apiURL string) automation.RunChecker {
	var mu sync.Mutex
	clients := map[string]*github.Client{}
	return func(ctx context.Context, run automation.RunInfo) (bool, error) {
		mu.Lock()
		c, ok := clients[run.Repo]
		if !ok {
			var err error
			if c, err = github.New(github.Config{Repo: run.Repo, Token: token, APIURL: apiURL}); err != nil {
				mu.Unlock()
				return false, err
			}
			clients[run.Repo] = c
		}
		mu.Unlock()
		r, err := c.WorkflowRun(ctx, run.RunID)
		if err != nil {
			return false, err
		}
		return r.Completed(run.Attempt), nil
	}
}
