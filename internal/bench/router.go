package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/prenv/prenv/internal/router"
)

// routerOverhead measures prenv's router against Caddy, a production
// reverse proxy, in front of the same upstream in the same run: latency at
// a fixed rate, every request sent direct, through Caddy and through the
// router within one round, and closed-loop throughput taken in turns. The
// upstream, the two proxies and this load generator are four processes.
func routerOverhead(ctx context.Context, bin string) error {
	work, err := os.MkdirTemp("", "prenv-bench-router-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	backendPort, caddyPort, routerPort := freePort(), freePort(), freePort()
	routes := filepath.Join(work, "routes")
	if err := router.Save(routes, router.Route{Env: "pr-1", Entry: "web", Services: map[string]router.Service{
		"web": {URL: fmt.Sprintf("http://127.0.0.1:%d", backendPort)},
	}}); err != nil {
		return err
	}
	caddy, err := caddyCmd(ctx, bin, work, caddyPort, backendPort)
	if err != nil {
		return err
	}
	prenv := exec.CommandContext(ctx, filepath.Join(bin, "prenv"), "router", "--addr", fmt.Sprintf("127.0.0.1:%d", routerPort), "--routes", routes)
	stop, err := startAll(backendCmd(ctx, backendPort), caddy, prenv)
	if err != nil {
		return err
	}
	defer stop()
	const direct, viaCaddy, viaPrenv = 0, 1, 2
	targets := []target{
		direct:   {name: "direct", url: fmt.Sprintf("http://127.0.0.1:%d/", backendPort), body: backendBody},
		viaCaddy: {name: "caddy", url: fmt.Sprintf("http://127.0.0.1:%d/", caddyPort), host: "pr-1.localhost", body: backendBody},
		viaPrenv: {name: "prenv", url: fmt.Sprintf("http://127.0.0.1:%d/", routerPort), host: "pr-1.localhost", body: backendBody},
	}
	const rate, seconds = 1000, 5
	rounds, failed, err := roundsOnceReady(targets, rate, seconds)
	if err != nil {
		return err
	}
	fmt.Printf("bench: router-rounds %d rounds (at %d req/s to each of direct, caddy, prenv; %d failed)\n", len(rounds), rate, failed)
	for i, t := range targets {
		lat := latencies(rounds, i)
		fmt.Printf("bench: router-%s-p50 %.3f ms\n", t.name, ms(percentile(lat, 50)))
		fmt.Printf("bench: router-%s-p99 %.3f ms\n", t.name, ms(percentile(lat, 99)))
	}
	for _, i := range []int{viaCaddy, viaPrenv} {
		add := added(rounds, i, direct)
		fmt.Printf("bench: router-%s-added-p50 %.3f ms (per round: %s minus direct)\n", targets[i].name, ms(percentile(add, 50)), targets[i].name)
		fmt.Printf("bench: router-%s-added-p99 %.3f ms\n", targets[i].name, ms(percentile(add, 99)))
	}
	p99Caddy, p99Prenv := percentile(latencies(rounds, viaCaddy), 99), percentile(latencies(rounds, viaPrenv), 99)
	fmt.Printf("bench: router-p99-vs-caddy %.2f x (goal <= 1.0)\n", float64(p99Prenv)/float64(p99Caddy))

	const passes, slice = 10, 500 * time.Millisecond
	proxies := map[int]int{viaCaddy: caddy.Process.Pid, viaPrenv: prenv.Process.Pid}
	before := map[int]time.Duration{}
	for i, pid := range proxies {
		before[i], _ = cpuTime(pid)
	}
	tp := throughputs(targets, 16, passes, slice)
	for i, t := range targets {
		fmt.Printf("bench: router-throughput-%s %.0f req/s\n", t.name, tp[i])
	}
	for _, i := range []int{viaCaddy, viaPrenv} {
		// CPU a request is steadier than throughput on a shared machine.
		if after, ok := cpuTime(proxies[i]); ok && tp[i] > 0 {
			requests := tp[i] * passes * slice.Seconds()
			fmt.Printf("bench: router-cpu-per-request-%s %.1f µs\n", targets[i].name, float64((after-before[i]).Microseconds())/requests)
		}
	}
	fmt.Printf("bench: router-vs-caddy-throughput %.2f x (goal >= 1.2)\n", tp[viaPrenv]/tp[viaCaddy])
	fmt.Printf("bench: router-throughput-ratio %.2f x (prenv against direct calls)\n", tp[viaPrenv]/tp[direct])
	return nil
}
