package reaper_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/reaper"
)

// A dry run over a project with an open PR, a closed one and the
// baseline: the table says what a reap would destroy, and nothing is.
func ExampleReaper_Run() {
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	eng := &fakeEngine{stacks: []automation.StackInfo{ // an engine's List, as automation.NewPulumi's
		{Name: "baseline", CreatedAt: now.Add(-72 * time.Hour)},
		{Name: "pr-1", CreatedAt: now.Add(-26 * time.Hour), ExpiresAt: now.Add(46 * time.Hour)},
		{Name: "pr-2", CreatedAt: now.Add(-3 * time.Hour), ExpiresAt: now.Add(69 * time.Hour)},
	}}
	open, err := reaper.ParseOpenPRs("1") // as prenv reap --open-prs 1
	if err != nil {
		fmt.Println(err)
		return
	}
	opts := reaper.DefaultOptions()
	opts.DryRun, opts.Now, opts.Out = true, now, os.Stdout
	r := &reaper.Reaper{Project: "shop", Engine: eng, PRs: reaper.StaticPRs{Open: open}}
	if err := r.Run(context.Background(), opts); err != nil {
		fmt.Println(err)
	}
	fmt.Println("destroyed:", len(eng.gone()))
	// Output:
	// STACK        PR        AGE     EXPIRES              ACTION  RESULT                       DURATION
	// baseline     -         3d0h    -                    keep    not a PR environment
	// pr-1         open      1d2h    2030-01-04T01:04:05Z keep    open and within its TTL
	// pr-2         closed    3h0m    2030-01-05T00:04:05Z destroy dry run (closed)
	// destroyed: 0
}
