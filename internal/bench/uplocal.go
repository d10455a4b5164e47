package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/prenv/prenv/internal/pg"
)

// upLocal times `prenv up --pr 1` of the example app on the local target,
// from no environment to its URL answering, with the baseline already up.
// The services are built beforehand, as a CI image would have them.
func upLocal(ctx context.Context, bin string) error {
	fmt.Fprintln(os.Stderr, "bench: timing a local PR environment from nothing to its URL answering...")
	work, err := os.MkdirTemp("", "prenv-bench-up-")
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
	blueprint := filepath.Join(work, "prenv.yaml")
	body := fmt.Sprintf(`project: benchshop
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
`, work, filepath.Join(repo, "examples", "app", "db", "golden.sql"))
	if err := os.WriteFile(blueprint, []byte(body), 0o644); err != nil {
		return err
	}
	port := freePort()
	env := append(os.Environ(), "PRENV_HOME="+filepath.Join(work, "home"), "PULUMI_CONFIG_PASSPHRASE=bench", "PRENV_ANONYMIZE_SALT=bench",
		fmt.Sprintf("PRENV_ROUTER_PORT=%d", port))
	prenv := func(args ...string) error {
		cmd := exec.CommandContext(ctx, filepath.Join(bin, "prenv"), append(args, "--blueprint", blueprint)...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("prenv %v: %v: %s", args, err, out)
		}
		return nil
	}
	defer func() {
		_ = prenv("destroy", "--pr", "1")
		_ = prenv("destroy", "--env", "baseline")
		_ = exec.Command("pkill", "-f", "--routes "+filepath.Join(work, "home", "routes")).Run()
		pgStop(filepath.Join(work, "home", "postgres"))
	}()
	if err := prenv("up", "--env", "baseline"); err != nil {
		return err
	}
	start := time.Now()
	if err := prenv("up", "--pr", "1"); err != nil {
		return err
	}
	if err := (target{url: fmt.Sprintf("http://127.0.0.1:%d/", port), host: "pr-1.localhost"}).waitReady(30 * time.Second); err != nil {
		return err
	}
	fmt.Printf("bench: up-local-pr %.1f s (3 services, from nothing to the URL answering; goal <= 30)\n", time.Since(start).Seconds())
	return nil
}

// pgStop stops a managed cluster left in dir, if any.
func pgStop(dir string) {
	c := &pg.Cluster{Dir: dir}
	_ = c.Stop(context.Background())
}
