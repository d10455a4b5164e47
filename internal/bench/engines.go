package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// engineRatio times `prenv up --pr 1` and `prenv destroy --pr 1` of the
// example app on the local target with each engine, the blueprint's
// engine: line the only difference, and prints terraform's time over
// pulumi's for each. Each engine gets its own home (PostgreSQL, router),
// set up outside the timings, and the median of three rounds counts.
func engineRatio(ctx context.Context, bin string) error {
	fmt.Fprintln(os.Stderr, "bench: timing up and destroy of a local PR environment with each engine...")
	work, done, err := appWork(ctx, bin, "prenv-bench-engines-")
	if err != nil {
		return err
	}
	defer done()
	times := map[string][2]time.Duration{}
	for _, engine := range []string{"pulumi", "terraform"} {
		up, destroy, err := timeEngine(ctx, bin, filepath.Join(work, engine), work, engine)
		if err != nil {
			return fmt.Errorf("%s: %w", engine, err)
		}
		times[engine] = [2]time.Duration{up, destroy}
	}
	p, t := times["pulumi"], times["terraform"]
	fmt.Printf("bench: engine-up-ratio %.2f x (terraform %.2f s / pulumi %.2f s, local PR environment, 3 services; goal <= 1.5)\n",
		t[0].Seconds()/p[0].Seconds(), t[0].Seconds(), p[0].Seconds())
	fmt.Printf("bench: engine-destroy-ratio %.2f x (terraform %.2f s / pulumi %.2f s; goal <= 1.5)\n",
		t[1].Seconds()/p[1].Seconds(), t[1].Seconds(), p[1].Seconds())
	return nil
}

// timeEngine returns the median up and destroy times of pr-1 with engine,
// the baseline up around them.
func timeEngine(ctx context.Context, bin, dir, services, engine string) (up, destroy time.Duration, err error) {
	s, err := newAppSandbox(bin, dir, services, "benchengine", engine)
	if err != nil {
		return 0, 0, err
	}
	defer s.close()
	if _, err := s.prenv(ctx, "up", "--env", "baseline"); err != nil {
		return 0, 0, err
	}
	var ups, destroys []time.Duration
	for range 3 {
		u, err := s.prenv(ctx, "up", "--pr", "1")
		if err != nil {
			return 0, 0, err
		}
		d, err := s.prenv(ctx, "destroy", "--pr", "1")
		if err != nil {
			return 0, 0, err
		}
		ups, destroys = append(ups, u), append(destroys, d)
	}
	slices.Sort(ups)
	slices.Sort(destroys)
	return ups[1], destroys[1], nil
}
