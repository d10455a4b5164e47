package main

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/s3blob" // s3://
)

// reapOnS3 times `prenv reap`'s decision over reapStacks stacks kept in a
// bucket on a real S3 protocol server (moto_server), reapOpen of them with
// open PRs: the GitHub calls, the S3 requests the server receives (counted
// by a reverse proxy in front of it), and the wall time of a dry run.
// pr-1 is made by prenv up; the others are its state file renamed and
// written straight into the bucket in pulumi's layout, which is what a
// team's bucket holds after reapStacks ups.
func reapOnS3(ctx context.Context, bin string) error {
	fmt.Fprintf(os.Stderr, "bench: timing prenv reap's decision over %d stacks on an S3 server, %d with open PRs...\n", reapStacks, reapOpen)
	endpoint, stopMoto, err := startMoto(ctx)
	if err != nil {
		return err
	}
	defer stopMoto()
	for _, kv := range s3Env {
		k, v, _ := strings.Cut(kv, "=")
		os.Setenv(k, v) // for this process's own writes to the bucket
	}
	const bucketName = "prenv-bench-reap"
	if err := createBucket(ctx, endpoint, bucketName); err != nil {
		return fmt.Errorf("create bucket %s on moto_server: %w", bucketName, err)
	}
	proxy, err := newCountingProxy(endpoint)
	if err != nil {
		return err
	}
	defer proxy.Close()
	bucketURL := func(endpoint string) string {
		return fmt.Sprintf("s3://%s?endpoint=%s&s3ForcePathStyle=true&region=us-east-1", bucketName, endpoint)
	}

	work, err := os.MkdirTemp("", "prenv-bench-reap-s3-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	blueprint := "project: " + reapProject + "\ntarget: none\nttl: 72h\n"
	if err := os.WriteFile(filepath.Join(work, "prenv.yaml"), []byte(blueprint), 0o644); err != nil {
		return err
	}
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		return k == "GITHUB_TOKEN" || k == "GITHUB_API_URL" || k == "GITHUB_STEP_SUMMARY"
	})
	env = append(append(env, s3Env...), "CI=", "GITHUB_ACTIONS=", "PRENV_HOME="+filepath.Join(work, "home"),
		"PRENV_BACKEND_URL="+bucketURL(proxy.URL), "PULUMI_CONFIG_PASSPHRASE=bench", "PULUMI_SKIP_UPDATE_CHECK=true",
		"PRENV_PULUMI="+filepath.Join(bin, "pulumi"), "GITHUB_REPOSITORY="+reapRepo)
	prenv := func(env []string, args ...string) (string, error) {
		out, err := command(ctx, work, env, filepath.Join(bin, "prenv"), args...)().Output()
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			return "", fmt.Errorf("prenv %s: %v: %s%s", strings.Join(args, " "), err, out, ee.Stderr)
		}
		return string(out), err
	}

	if _, err := prenv(env, "up", "--pr", "1"); err != nil {
		return err
	}
	if err := cloneStackInBucket(ctx, bucketURL(endpoint), reapStacks); err != nil {
		return err
	}
	out, err := prenv(env, "ls", "--json")
	if err != nil {
		return err
	}
	if listed, err := listedStacks(out); err != nil || len(listed) != reapStacks {
		return fmt.Errorf("prenv ls lists %d stacks, want %d (%v)", len(listed), reapStacks, err)
	}

	var calls atomic.Int64
	gh := httptest.NewServer(openPulls(&calls))
	defer gh.Close()
	before := proxy.Requests()
	start := time.Now()
	out, err = prenv(append(slices.Clip(env), "GITHUB_TOKEN="+reapToken, "GITHUB_API_URL="+gh.URL),
		"reap", "--dry-run", "--force", "--max-deletions", "1000")
	decision := time.Since(start)
	requests := proxy.Requests() - before
	if err != nil {
		return err
	}
	if n := strings.Count(out, "dry run (closed)"); n != reapStacks-reapOpen {
		return fmt.Errorf("reap --dry-run planned %d closed stacks, want %d:\n%s", n, reapStacks-reapOpen, out)
	}
	fmt.Printf("bench: reap-s3-github-calls %d calls (%d open PRs at 100 a page; goal = 1)\n", calls.Load(), reapOpen)
	fmt.Printf("bench: reap-s3-requests %d requests (%d stacks in a bucket, counted at the S3 server; goal <= %d)\n", requests, reapStacks, reapStacks+10)
	fmt.Printf("bench: reap-s3-decision %.2f s (%d stacks on moto_server, %d closed, one prenv process; goal <= 5)\n",
		decision.Seconds(), reapStacks, reapStacks-reapOpen)
	return nil
}

// cloneStackInBucket copies pr-1's state file in the bucket at url to
// pr-2..pr-<n>, renamed, as the file:// reap bench does on disk.
func cloneStackInBucket(ctx context.Context, url string, n int) error {
	bucket, err := blob.OpenBucket(ctx, url)
	if err != nil {
		return err
	}
	defer bucket.Close()
	dir := ".pulumi/stacks/" + reapProject + "/"
	state, err := bucket.ReadAll(ctx, dir+"pr-1.json")
	if err != nil {
		return fmt.Errorf("read pr-1's state (the backend may have compressed it): %w", err)
	}
	for i := 2; i <= n; i++ {
		if err := bucket.WriteAll(ctx, fmt.Sprintf("%spr-%d.json", dir, i), cloneOfPR1(state, i), nil); err != nil {
			return err
		}
	}
	return nil
}
