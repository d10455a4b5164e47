package cli

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// post is the Action's post step. It runs after the job's other steps,
// even when the main step failed or was cancelled. It releases a lock the
// main step's run left (taken on the main step's host, which is gone) and,
// with destroy-on-post, destroys the environment.
func (x *actionRun) post(ctx context.Context) error {
	env := x.r.State("env")
	if env == "" {
		return nil // the main step skipped, or failed before it began
	}
	// The main step's engine and target inputs apply here too.
	x.in.Engine, x.in.Target = stacks.EngineName(x.r.State("engine")), stacks.TargetName(x.r.State("target"))
	f := &envFlags{blueprint: x.r.State("blueprint"), backend: x.r.State("backend"), env: env, maxJobTime: 6 * time.Hour, adjust: x.adjust}
	s, err := x.open(ctx, f, true)
	if err != nil {
		return err
	}
	if host := x.r.State("host"); host != "" {
		res, err := s.Engine.Cancel(ctx, s.Env, automation.FinishedHost(host), automation.Progress(x.Stdout))
		switch {
		case err != nil && !automation.IsLocked(err) && !strings.Contains(err.Error(), "only on file://"):
			x.warn(fmt.Errorf("release the main step's lock on %s: %w", env, err))
		case res.Broken:
			x.r.Notice(fmt.Sprintf("prenv released the lock the cancelled main step left on %s", env))
		}
	}
	if x.r.State("destroy-on-post") != "true" {
		return nil
	}
	opts := []automation.Option{automation.WaitForLock(5 * time.Minute), automation.Progress(x.Stderr)}
	if x.r.State("remove") == "true" {
		opts = append(opts, automation.Remove())
	}
	if _, err := s.Engine.Destroy(ctx, s.Env, opts...); err != nil {
		return fmt.Errorf("destroy-on-post: %w", err)
	}
	fmt.Fprintf(x.Stdout, "prenv: destroyed %s (destroy-on-post)\n", env)
	return nil
}

// waitForURL polls url+health until it answers 2xx, for at most bound.
// Names under .localhost reach this machine, as browsers resolve them.
func waitForURL(ctx context.Context, url, health string, bound time.Duration) error {
	if url == "" {
		return fmt.Errorf("wait-for-url: the stack has no url output to wait for")
	}
	target := strings.TrimSuffix(url, "/") + health
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if host, port, err := net.SplitHostPort(addr); err == nil && (host == "localhost" || strings.HasSuffix(host, ".localhost")) {
				addr = net.JoinHostPort("127.0.0.1", port)
			}
			return dialer.DialContext(ctx, network, addr)
		},
	}}
	deadline := time.Now().Add(bound)
	last := "no answer"
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err != nil {
			return fmt.Errorf("wait-for-url: %w", err)
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("wait-for-url: %s did not answer 2xx within %s (last: %s)", target, bound, last)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}
