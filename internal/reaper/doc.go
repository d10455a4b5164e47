// Package reaper destroys the preview environments nobody needs any more:
// the pr-<n> stacks whose pull request is closed or whose TTL has passed,
// and what a target left behind for environments that have no stack.
//
// A Reaper is given small interfaces for what it uses: the Engine that
// lists and destroys the project's stacks, a PRSource for the open pull
// requests (GitHub's listing, or StaticPRs from ParseOpenPRs), an
// optional Notifier told of each environment destroyed, and each target's
// OrphanFinder. Run plans with automation.PlanReap, refuses a plan that
// fails a safety check (a *RefusedError, nothing changed), destroys the
// rest a few at a time, prints a table to Options.Out (and the step
// summary), and sweeps the orphans past their grace period. It reads no
// flags and no process environment: prenv reap and the Action's reap mode
// both start from DefaultOptions.
//
//	gh, err := reaper.NewGitHub(reaper.GitHubConfig{Repo: "acme/shop", Token: token})
//	if err != nil {
//		return err
//	}
//	opts := reaper.DefaultOptions()
//	opts.Repo, opts.Out, opts.Log = "acme/shop", os.Stdout, os.Stderr
//	r := &reaper.Reaper{Project: "shop", Engine: eng, PRs: gh, Notifier: gh}
//	err = r.Run(ctx, opts)
//	if reaper.IsRefused(err) {
//		// the plan failed a safety check; the table says what it would have done
//	}
package reaper
