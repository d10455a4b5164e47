package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// stubMappings are the stub benchmark's mappings: a dozen a payments API
// might have, tried before the one that answers, which is the static
// handler's answer.
func stubMappings(dir string) error {
	for i := range 12 {
		mapping := fmt.Sprintf(`{"request": {"method": "POST", "urlPath": "/payments/%d", "headers": {"Content-Type": {"contains": "json"}},
"bodyPatterns": [{"equalToJson": {"amount": %d}, "ignoreExtraElements": true}]}, "response": {"status": 201, "jsonBody": {"id": "ch_%d"}}}`, i, i, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("charge-%02d.json", i)), []byte(mapping), 0o644); err != nil {
			return err
		}
	}
	ok := `{"priority": 9, "request": {"method": "GET", "urlPathPattern": "/.*"}, "response": {"status": 200, "body": "ok"}}`
	return os.WriteFile(filepath.Join(dir, "ok.json"), []byte(ok), 0o644)
}

// stubOverhead measures the latency prenv's stub adds at a fixed request
// rate against the static Go handler of the router benchmark: each round
// sends the same request to both, and the added latency is the stub's
// minus the handler's within a round. The handler, prenv stub serve and
// this load generator are three processes.
func stubOverhead(ctx context.Context, bin string) error {
	work, err := os.MkdirTemp("", "prenv-bench-stub-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if err := stubMappings(work); err != nil {
		return err
	}
	backendPort, stubPort := freePort(), freePort()
	serve := exec.CommandContext(ctx, filepath.Join(bin, "prenv"), "stub", "serve", "--mappings", work, "--addr", fmt.Sprintf("127.0.0.1:%d", stubPort))
	stop, err := startAll(backendCmd(ctx, backendPort), serve)
	if err != nil {
		return err
	}
	defer stop()
	const direct, stubbed = 0, 1
	targets := []target{
		direct:  {name: "direct", url: fmt.Sprintf("http://127.0.0.1:%d/payments/status", backendPort), body: backendBody},
		stubbed: {name: "stub", url: fmt.Sprintf("http://127.0.0.1:%d/payments/status", stubPort), body: backendBody},
	}
	const rate, seconds = 1000, 5
	rounds, failed, err := roundsOnceReady(targets, rate, seconds)
	if err != nil {
		return err
	}
	add := added(rounds, stubbed, direct)
	fmt.Printf("bench: stub-p99 %.3f ms (direct %.3f ms; %d rounds at %d req/s, %d failed)\n",
		ms(percentile(latencies(rounds, stubbed), 99)), ms(percentile(latencies(rounds, direct), 99)), len(rounds), rate, failed)
	fmt.Printf("bench: stub-added-p50 %.3f ms (per round: stub minus direct)\n", ms(percentile(add, 50)))
	fmt.Printf("bench: stub-added-p99 %.3f ms (goal <= 1)\n", ms(percentile(add, 99)))
	return nil
}
