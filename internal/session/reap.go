package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/prenv/prenv/internal/reaper"
	"github.com/prenv/prenv/stacks"
)

// ReapRequest is one reap of a project: the session it opens, where the
// open PRs come from, and the reaper's options.
type ReapRequest struct {
	Session Options
	// OpenPRs and OpenPRsFile give the open PRs instead of GitHub: a
	// comma- or line-separated list, or a file holding one.
	OpenPRs, OpenPRsFile string
	// GitHubToken reads the open PRs from GitHub (default $GITHUB_TOKEN),
	// and marks deployments inactive and comments on expired PRs.
	GitHubToken string
	Options     reaper.Options
}

// Reap destroys the project's environments whose PR is closed or whose
// TTL has passed, then reports and sweeps what its target left behind,
// as prenv reap and the Action's reap mode do.
func (h Host) Reap(ctx context.Context, r ReapRequest) error {
	s, err := h.Open(ctx, r.Session)
	if err != nil {
		return err
	}
	prs, gh, err := h.prSource(ctx, r)
	if err != nil {
		return err
	}
	opts := r.Options
	if opts.Repo, err = h.Repo(ctx, r.Session.Repo); err != nil {
		return err
	}
	opts.Protect = append(slices.Clone(s.Blueprint.Policy.Protect), r.Options.Protect...)
	lock, err := h.LockOptions(r.GitHubToken)
	if err != nil {
		return err
	}
	opts.Engine = append(slices.Clone(r.Options.Engine), lock...)
	opts.StepSummary = h.Getenv("GITHUB_STEP_SUMMARY")
	opts.SightingsDir = filepath.Join(s.Home, "orphans")
	// Its destroys are recorded as the reaper's reaps.
	rp := &reaper.Reaper{Project: s.Blueprint.Project, Engine: s.recorder.WrapReaper(s.engine), PRs: prs}
	if gh != nil {
		rp.Notifier = gh
	}
	if s.SandboxRoutes() {
		rp.AfterReap = func(ctx context.Context, reaped []string, log io.Writer) error {
			return s.routesFollow(ctx, strings.Join(reaped, ", "), log)
		}
	}
	if src, ok := s.Target.(stacks.OrphanSource); ok {
		finder, err := src.OrphanFinder(ctx, s.Blueprint)
		if err != nil {
			// A cluster out of reach fails the orphan sweep, not the reap.
			rp.Orphans = append(rp.Orphans, reaper.Unavailable(err))
		} else {
			rp.Orphans = append(rp.Orphans, finder)
		}
	}
	return rp.Run(ctx, opts)
}

// prSource is where the reap reads the open PRs: the given list or file,
// or else GitHub. With a token it also returns GitHub, for the
// deployments and comments.
func (h Host) prSource(ctx context.Context, r ReapRequest) (reaper.PRSource, *reaper.GitHub, error) {
	var gh *reaper.GitHub
	if token := FirstOf(r.GitHubToken, h.Getenv("GITHUB_TOKEN")); token != "" {
		repo, err := h.Repo(ctx, r.Session.Repo)
		if err != nil {
			return nil, nil, err
		}
		gh, err = reaper.NewGitHub(reaper.GitHubConfig{Repo: repo, Token: token, APIURL: h.Getenv("GITHUB_API_URL"), Log: h.Notices})
		if err != nil {
			return nil, nil, stacks.Input(err)
		}
	}
	if r.OpenPRs != "" || r.OpenPRsFile != "" {
		open, err := openPRList(r)
		if err != nil {
			return nil, nil, err
		}
		static := reaper.StaticPRs{Open: open}
		if gh != nil {
			static.Confirm = gh
		}
		return static, gh, nil
	}
	if gh == nil {
		return nil, nil, stacks.Input(errors.New("reap needs the complete list of open PRs: set GITHUB_TOKEN to ask GitHub, or pass --open-prs 1,2,3 or --open-prs-file FILE (an empty file means none are open)"))
	}
	return gh, gh, nil
}

// openPRList reads the open pull requests from the list or its file.
func openPRList(r ReapRequest) ([]int, error) {
	text := r.OpenPRs
	switch {
	case r.OpenPRs != "" && r.OpenPRsFile != "":
		return nil, stacks.Input(errors.New("--open-prs and --open-prs-file both give the open PRs: pass one"))
	case r.OpenPRsFile != "":
		data, err := os.ReadFile(r.OpenPRsFile)
		if err != nil {
			return nil, stacks.Input(fmt.Errorf("read --open-prs-file: %w", err))
		}
		text = string(data)
	}
	open, err := reaper.ParseOpenPRs(text)
	return open, stacks.Input(err)
}
