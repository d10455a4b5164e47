package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// upLocalThin times `prenv up --pr 1` of the example app with thin clones
// of the full golden (BENCH_SCALE scales it), from no environment to its
// URL answering, with the baseline already up: prenv's home is on a
// copy-on-write filesystem, and the baseline builds its golden from the
// bench's "production" database through PRENV_GOLDEN.
func upLocalThin(ctx context.Context, bin string) error {
	scale, err := benchScale()
	if err != nil {
		return err
	}
	dir, done, skip, err := reflinkDir(ctx, 24<<30)
	if skip != "" || err != nil {
		return skipped("up-local-pr-thin", skip, err)
	}
	defer done()
	production, err := newBenchGoldenIn(ctx, "up-local-pr-thin", "", scale)
	if err != nil {
		return err
	}
	defer production.Close()
	services := filepath.Join(dir, "services")
	if err := os.MkdirAll(services, 0o755); err != nil {
		return err
	}
	if err := buildAppServices(ctx, bin, services); err != nil {
		return err
	}
	s, err := newAppSandbox(bin, filepath.Join(dir, "app"), services, "benchthin", "pulumi")
	if err != nil {
		return err
	}
	s.env = append(s.env, "PRENV_GOLDEN="+strings.Replace(production.url, "/postgres?", "/golden?", 1))
	defer s.close()
	fmt.Fprintln(os.Stderr, "bench: building the thin golden from the production database (minutes at full size)...")
	if _, err := s.prenv(ctx, "up", "--env", "baseline"); err != nil {
		return err
	}
	start := time.Now()
	up, err := s.prenv(ctx, "up", "--pr", "1")
	if err != nil {
		return err
	}
	if err := (target{url: fmt.Sprintf("http://127.0.0.1:%d/", s.port), host: "pr-1.localhost"}).waitReady(30 * time.Second); err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Printf("bench: up-local-pr-thin %.1f s (goal <= 3; 3 services and a thin clone of a %d-user golden, from nothing to the URL answering)\n",
		took.Seconds(), production.users)
	// Information: the example's page counts every user and order, which a
	// new clone's PostgreSQL reads from disk on the first request.
	fmt.Printf("bench: up-local-pr-thin-split: prenv up %.1f s, then the first answer %.1f s (no goal)\n", up.Seconds(), (took - up).Seconds())
	return nil
}
