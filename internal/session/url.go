package session

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// URLError is an up whose environment's URL did not answer within the
// wait: its resources are up, but it is not live.
type URLError struct{ Err error }

func (e *URLError) Error() string { return "wait-for-url: " + e.Err.Error() }

func (e *URLError) Unwrap() error { return e.Err }

// IsURLError reports whether err is an up's URL that did not answer.
func IsURLError(err error) bool {
	var ue *URLError
	return errors.As(err, &ue)
}

// waitForURL polls url+health until it answers 2xx, for at most bound.
// Its failure is a *URLError.
func waitForURL(ctx context.Context, url, health string, bound time.Duration) error {
	if err := pollURL(ctx, url, health, bound); err != nil {
		return &URLError{Err: err}
	}
	return nil
}

func pollURL(ctx context.Context, url, health string, bound time.Duration) error {
	if url == "" {
		return fmt.Errorf("the stack has no url output to wait for")
	}
	target := strings.TrimSuffix(url, "/") + health
	client := localClient()
	deadline := time.Now().Add(bound)
	last := "no answer"
	for {
		status, err := probe(ctx, client, target)
		switch {
		case err == nil && status/100 == 2:
			return nil
		case err == nil:
			last = fmt.Sprintf("%d %s", status, http.StatusText(status))
		case ctx.Err() != nil:
			return ctx.Err()
		default:
			last = err.Error()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer 2xx within %s (last: %s)", target, bound, last)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// URLHealth asks url's health path (the entry service's) once how it
// answers: the path, and the HTTP status, 0 when nothing answered.
func (s *Session) URLHealth(ctx context.Context, url string) (path string, status int) {
	path = healthPath(s.Blueprint)
	status, _ = probe(ctx, localClient(), strings.TrimSuffix(url, "/")+path)
	return path, status
}

// localClient is an HTTP client for preview URLs: names under .localhost
// reach this machine, as browsers and curl resolve them.
func localClient() *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if host, port, err := net.SplitHostPort(addr); err == nil && (host == "localhost" || strings.HasSuffix(host, ".localhost")) {
				addr = net.JoinHostPort("127.0.0.1", port)
			}
			return dialer.DialContext(ctx, network, addr)
		},
	}}
}

// probe asks target once: the HTTP status, or an error when nothing
// answered.
func probe(ctx context.Context, client *http.Client, target string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
