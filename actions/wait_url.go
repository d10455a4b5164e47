package actions

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

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
