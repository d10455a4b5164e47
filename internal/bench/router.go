package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/prenv/prenv/internal/router"
)

// serveBackend is the upstream of the router benchmark, run as a process
// of its own so it shares no scheduler with the router or the load.
func serveBackend() {
	http.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })
	_ = http.ListenAndServe("127.0.0.1:"+os.Getenv("PORT"), nil)
}

// routerOverhead measures the latency the router adds at a fixed request
// rate, and its throughput, against calling the upstream directly. The
// upstream, the router and this load generator are three processes.
func routerOverhead(ctx context.Context, bin string) error {
	work, err := os.MkdirTemp("", "prenv-bench-router-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	backendPort, routerPort := freePort(), freePort()
	self, _ := os.Executable()
	backend := exec.CommandContext(ctx, self, "-serve-backend")
	backend.Env = append(os.Environ(), fmt.Sprintf("PORT=%d", backendPort))
	routes := filepath.Join(work, "routes")
	if err := router.Save(routes, router.Route{Env: "pr-1", Entry: "web", Services: map[string]router.Service{
		"web": {URL: fmt.Sprintf("http://127.0.0.1:%d", backendPort)},
	}}); err != nil {
		return err
	}
	rt := exec.CommandContext(ctx, filepath.Join(bin, "prenv"), "router", "--addr", fmt.Sprintf("127.0.0.1:%d", routerPort), "--routes", routes)
	for _, c := range []*exec.Cmd{backend, rt} {
		if err := c.Start(); err != nil {
			return err
		}
		defer func() { c.Process.Kill(); c.Wait() }()
	}
	direct := target{url: fmt.Sprintf("http://127.0.0.1:%d/", backendPort)}
	routed := target{url: fmt.Sprintf("http://127.0.0.1:%d/", routerPort), host: "pr-1.localhost"}
	for _, t := range []target{direct, routed} {
		if err := t.waitReady(5 * time.Second); err != nil {
			return err
		}
	}
	const rate, seconds = 1000, 5
	d := direct.fixedRate(rate, seconds*time.Second)
	r := routed.fixedRate(rate, seconds*time.Second)
	p50, p99 := percentile(r, 50)-percentile(d, 50), percentile(r, 99)-percentile(d, 99)
	fmt.Printf("bench: router-added-p50 %.3f ms (at %d req/s)\n", ms(p50), rate)
	fmt.Printf("bench: router-added-p99 %.3f ms (goal <= 1)\n", ms(p99))
	dt, rtp := direct.throughput(16, 3*time.Second), routed.throughput(16, 3*time.Second)
	fmt.Printf("bench: router-throughput-direct %.0f req/s\n", dt)
	fmt.Printf("bench: router-throughput-routed %.0f req/s\n", rtp)
	fmt.Printf("bench: router-throughput-ratio %.2f x (goal >= 0.8)\n", rtp/dt)
	return nil
}

type target struct{ url, host string }

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 5 * time.Second}

func (t target) get() error {
	req, _ := http.NewRequest(http.MethodGet, t.url, nil)
	if t.host != "" {
		req.Host = t.host
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s (host %s): %s", t.url, t.host, resp.Status)
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

// fixedRate sends rate requests a second for d, each on schedule whatever
// the others do, and returns their latencies.
func (t target) fixedRate(rate int, d time.Duration) []time.Duration {
	var (
		mu  sync.Mutex
		lat []time.Duration
		wg  sync.WaitGroup
	)
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	for end := time.Now().Add(d); time.Now().Before(end); {
		<-tick.C
		wg.Go(func() {
			start := time.Now()
			if t.get() == nil {
				mu.Lock()
				lat = append(lat, time.Since(start))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return lat
}

// throughput runs workers back-to-back requests for d and returns req/s.
func (t target) throughput(workers int, d time.Duration) float64 {
	var (
		mu sync.Mutex
		n  int
		wg sync.WaitGroup
	)
	end := time.Now().Add(d)
	for range workers {
		wg.Go(func() {
			for time.Now().Before(end) {
				if t.get() == nil {
					mu.Lock()
					n++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return float64(n) / d.Seconds()
}

func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
