package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// upLocal times `prenv up --pr 1` of the example app on the local target,
// from no environment to its URL answering, with the baseline already up.
// The services are built beforehand, as a CI image would have them.
func upLocal(ctx context.Context, bin string) error {
	fmt.Fprintln(os.Stderr, "bench: timing a local PR environment from nothing to its URL answering...")
	work, done, err := appWork(ctx, bin, "prenv-bench-up-")
	if err != nil {
		return err
	}
	defer done()
	s, err := newAppSandbox(bin, filepath.Join(work, "app"), work, "benchshop", "pulumi")
	if err != nil {
		return err
	}
	defer s.close()
	if _, err := s.prenv(ctx, "up", "--env", "baseline"); err != nil {
		return err
	}
	start := time.Now()
	if _, err := s.prenv(ctx, "up", "--pr", "1"); err != nil {
		return err
	}
	if err := (target{url: fmt.Sprintf("http://127.0.0.1:%d/", s.port), host: "pr-1.localhost"}).waitReady(30 * time.Second); err != nil {
		return err
	}
	fmt.Printf("bench: up-local-pr %.1f s (3 services, from nothing to the URL answering; goal <= 30)\n", time.Since(start).Seconds())
	return nil
}
