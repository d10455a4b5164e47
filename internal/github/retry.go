package github

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// counter counts requests, for the reaper's "one listing call" promise.
type counter struct{ n atomic.Int64 }

// retrying retries requests GitHub asks to be retried: 5xx responses,
// 429, and 403s that are secondary rate limits. It waits Retry-After when
// GitHub gives it, else an exponential backoff from base.
type retrying struct {
	next    http.RoundTripper
	base    time.Duration
	retries int
	calls   *counter
}

// maxRetryAfter bounds a Retry-After wait, so a step never sleeps for an
// hour on a rate limit; past it, the error surfaces.
const maxRetryAfter = 60 * time.Second

func (t *retrying) RoundTrip(req *http.Request) (*http.Response, error) {
	next := t.next
	if next == nil {
		next = http.DefaultTransport
	}
	delay := t.base
	for attempt := 0; ; attempt++ {
		try := req
		if attempt > 0 {
			try = req.Clone(req.Context())
			if req.GetBody != nil {
				body, err := req.GetBody()
				if err != nil {
					return nil, err
				}
				try.Body = body
			}
		}
		t.calls.n.Add(1)
		resp, err := next.RoundTrip(try)
		if err != nil || attempt >= t.retries {
			return resp, err
		}
		wait, retry := retryAfter(resp, delay, req.Method)
		if !retry || wait > maxRetryAfter {
			return resp, nil
		}
		io.Copy(io.Discard, resp.Body) //nolint:errcheck // draining before retry
		resp.Body.Close()
		select {
		case <-req.Context().Done():
			return nil, req.Context().Err()
		case <-time.After(wait):
		}
		delay *= 2
	}
}

// retryAfter says whether resp should be retried, and after how long.
// A 5xx is retried only for methods that may run twice: a POST that
// failed late may have created its comment or deployment already. Rate
// limits refuse a request before it runs, so every method retries them.
// It peeks at a 403's body for GitHub's secondary rate limit message and
// restores the body for the caller.
func retryAfter(resp *http.Response, backoff time.Duration, method string) (time.Duration, bool) {
	wait := backoff
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
		wait = time.Duration(s) * time.Second
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return wait, true
	case resp.StatusCode >= 500:
		return wait, method != http.MethodPost
	case resp.StatusCode == http.StatusForbidden:
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if resp.Header.Get("Retry-After") != "" || bytes.Contains(bytes.ToLower(body), []byte("secondary rate limit")) {
			return wait, true
		}
	}
	return 0, false
}
