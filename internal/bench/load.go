package main

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// target is one HTTP endpoint under load; host, when set, is the Host
// header its requests carry, and body, when set, the answer it must give:
// a proxy that answers without asking its upstream is not measured.
type target struct{ name, url, host, body string }

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 5 * time.Second}

func (t target) get() error {
	req, err := http.NewRequest(http.MethodGet, t.url, nil)
	if err != nil {
		return err
	}
	if t.host != "" {
		req.Host = t.host
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	got, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	switch {
	case err != nil:
		return fmt.Errorf("GET %s (host %s): %w", t.url, t.host, err)
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("GET %s (host %s): %s", t.url, t.host, resp.Status)
	case t.body != "" && string(got) != t.body:
		return fmt.Errorf("GET %s (host %s) answered %q, not the upstream's %q", t.url, t.host, got, t.body)
	}
	return nil
}

func (t target) waitReady(bound time.Duration) error {
	deadline := time.Now().Add(bound)
	for {
		err := t.get()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// roundsOnceReady waits for every target to answer, then sends them
// interleaved rounds at rate for seconds; it fails when no round
// succeeded.
func roundsOnceReady(targets []target, rate, seconds int) (rounds []round, failed int, err error) {
	for _, t := range targets {
		if err := t.waitReady(10 * time.Second); err != nil {
			return nil, 0, fmt.Errorf("%s: %w", t.name, err)
		}
	}
	rounds, failed = interleaved(targets, rate, time.Duration(seconds)*time.Second)
	if len(rounds) == 0 {
		return nil, failed, fmt.Errorf("no round at %d req/s succeeded (%d failed)", rate, failed)
	}
	return rounds, failed, nil
}

// interleaved sends rate rounds a second for d, each on schedule whatever
// the others do. A round sends the same request to every target, one
// after the other, starting with a different target each round so none is
// always first, and keeps the latencies of rounds whose requests all
// succeeded; it also returns how many rounds failed.
func interleaved(targets []target, rate int, d time.Duration) (rounds []round, failed int) {
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	for n, end := 0, time.Now().Add(d); time.Now().Before(end); n++ {
		<-tick.C
		wg.Go(func() {
			r := make(round, len(targets))
			ok := true
			for j := range targets {
				i := (n + j) % len(targets)
				start := time.Now()
				ok = targets[i].get() == nil && ok
				r[i] = time.Since(start)
			}
			mu.Lock()
			defer mu.Unlock()
			if ok {
				rounds = append(rounds, r)
			} else {
				failed++
			}
		})
	}
	wg.Wait()
	return rounds, failed
}

// throughputs measures each target's closed-loop throughput with workers
// back-to-back requests, in slices of d taken in turn (the order reversed
// every other pass) so that every target meets the same machine, and
// returns each target's successful requests a second.
func throughputs(targets []target, workers, passes int, d time.Duration) []float64 {
	done := make([]int, len(targets))
	for pass := range passes {
		for j := range targets {
			i := j
			if pass%2 == 1 {
				i = len(targets) - 1 - j
			}
			done[i] += targets[i].closedLoop(workers, d)
		}
	}
	out := make([]float64, len(targets))
	for i, n := range done {
		out[i] = float64(n) / (d.Seconds() * float64(passes))
	}
	return out
}

// closedLoop runs workers back-to-back requests for d and returns how many
// succeeded.
func (t target) closedLoop(workers int, d time.Duration) int {
	var (
		mu sync.Mutex
		n  int
		wg sync.WaitGroup
	)
	end := time.Now().Add(d)
	for range workers {
		wg.Go(func() {
			ok := 0
			for time.Now().Before(end) {
				if t.get() == nil {
					ok++
				}
			}
			mu.Lock()
			n += ok
			mu.Unlock()
		})
	}
	wg.Wait()
	return n
}
