package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
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
// rate against the static Go handler of the router benchmark, both on this
// machine, side by side: the handler, prenv stub serve and this load
// generator are three processes.
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
	self, _ := os.Executable()
	backend := exec.CommandContext(ctx, self, "-serve-backend")
	backend.Env = append(os.Environ(), fmt.Sprintf("PORT=%d", backendPort))
	serve := exec.CommandContext(ctx, filepath.Join(bin, "prenv"), "stub", "serve", "--mappings", work, "--addr", fmt.Sprintf("127.0.0.1:%d", stubPort))
	for _, c := range []*exec.Cmd{backend, serve} {
		if err := c.Start(); err != nil {
			return err
		}
		defer func() { c.Process.Kill(); c.Wait() }()
	}
	direct := target{url: fmt.Sprintf("http://127.0.0.1:%d/payments/status", backendPort)}
	stubbed := target{url: fmt.Sprintf("http://127.0.0.1:%d/payments/status", stubPort)}
	for _, t := range []target{direct, stubbed} {
		if err := t.waitReady(10 * time.Second); err != nil {
			return err
		}
	}
	const rate, seconds = 1000, 5
	d := direct.fixedRate(rate, seconds*time.Second)
	s := stubbed.fixedRate(rate, seconds*time.Second)
	p50, p99 := percentile(s, 50)-percentile(d, 50), percentile(s, 99)-percentile(d, 99)
	fmt.Printf("bench: stub-added-p50 %.3f ms (at %d req/s)\n", ms(p50), rate)
	fmt.Printf("bench: stub-added-p99 %.3f ms (goal <= 1)\n", ms(p99))
	return nil
}
