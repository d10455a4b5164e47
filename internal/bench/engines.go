package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// engineRatio times `prenv up --pr 1` and `prenv destroy --pr 1` of the
// example app on the local target with each engine, the blueprint's
// engine: line the only difference, and prints terraform's time over
// pulumi's for each. Each engine gets its own home (PostgreSQL, router),
// set up outside the timings, and the median of three rounds counts.
func engineRatio(ctx context.Context, bin string) error {
	fmt.Fprintln(os.Stderr, "bench: timing up and destroy of a local PR environment with each engine...")
	work, err := os.MkdirTemp("", "prenv-bench-engines-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if err := os.Chmod(work, 0o755); err != nil {
		return err
	}
	repo := filepath.Dir(bin)
	for _, svc := range []string{"web", "orders", "users"} {
		build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(work, svc), "./examples/app/"+svc)
		build.Dir = repo
		if out, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %v: %s", svc, err, out)
		}
	}
	times := map[string][2]time.Duration{}
	for _, engine := range []string{"pulumi", "terraform"} {
		up, destroy, err := timeEngine(ctx, bin, filepath.Join(work, engine), work, engine)
		if err != nil {
			return fmt.Errorf("%s: %w", engine, err)
		}
		times[engine] = [2]time.Duration{up, destroy}
	}
	p, t := times["pulumi"], times["terraform"]
	fmt.Printf("bench: engine-up-ratio %.2f x (terraform %.2f s / pulumi %.2f s, local PR environment, 3 services; goal <= 1.5)\n",
		t[0].Seconds()/p[0].Seconds(), t[0].Seconds(), p[0].Seconds())
	fmt.Printf("bench: engine-destroy-ratio %.2f x (terraform %.2f s / pulumi %.2f s; goal <= 1.5)\n",
		t[1].Seconds()/p[1].Seconds(), t[1].Seconds(), p[1].Seconds())
	return nil
}

// timeEngine returns the median up and destroy times of pr-1 with engine,
// the baseline up around them.
func timeEngine(ctx context.Context, bin, dir, services, engine string) (up, destroy time.Duration, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, 0, err
	}
	blueprint := filepath.Join(dir, "prenv.yaml")
	body := fmt.Sprintf(`project: benchengine
engine: %[3]s
target: local
services:
  - {name: web, entry: true, run: %[1]s/web}
  - {name: orders, run: %[1]s/orders}
  - {name: users, run: %[1]s/users}
database:
  golden: %[2]s
  anonymize:
    rules:
      users.name: {transformer: name}
      users.email: {transformer: email}
      users.phone: {transformer: phone}
      users.address: {transformer: address}
routing:
  mode: isolated
`, services, filepath.Join(filepath.Dir(bin), "examples", "app", "db", "golden.sql"), engine)
	if err := os.WriteFile(blueprint, []byte(body), 0o644); err != nil {
		return 0, 0, err
	}
	home := filepath.Join(dir, "home")
	env := append(os.Environ(), "PRENV_HOME="+home, "PULUMI_CONFIG_PASSPHRASE=bench", "PRENV_ANONYMIZE_SALT=bench", fmt.Sprintf("PRENV_ROUTER_PORT=%d", freePort()))
	prenv := func(args ...string) (time.Duration, error) {
		cmd := exec.CommandContext(ctx, filepath.Join(bin, "prenv"), append(args, "--blueprint", blueprint)...)
		cmd.Env = env
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("prenv %v: %v: %s", args, err, out)
		}
		return time.Since(start), nil
	}
	defer func() {
		_, _ = prenv("destroy", "--pr", "1")
		_, _ = prenv("destroy", "--env", "baseline")
		stopRouter(filepath.Join(home, "routes"))
		pgStop(filepath.Join(home, "postgres"))
	}()
	if _, err := prenv("up", "--env", "baseline"); err != nil {
		return 0, 0, err
	}
	var ups, destroys []time.Duration
	for range 3 {
		u, err := prenv("up", "--pr", "1")
		if err != nil {
			return 0, 0, err
		}
		d, err := prenv("destroy", "--pr", "1")
		if err != nil {
			return 0, 0, err
		}
		ups, destroys = append(ups, u), append(destroys, d)
	}
	slices.Sort(ups)
	slices.Sort(destroys)
	return ups[1], destroys[1], nil
}

// stopRouter stops, by pid, the router prenv started for a routes
// directory: it outlives prenv by design.
func stopRouter(routes string) {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		cmdline, err := os.ReadFile(p)
		if err != nil || !strings.Contains(string(cmdline), "\x00--routes\x00"+routes+"\x00") {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(filepath.Dir(p))); err == nil {
			_ = syscall.Kill(pid, syscall.SIGTERM)
		}
	}
}
