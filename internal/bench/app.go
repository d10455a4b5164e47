package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/internal/proc"
)

// appWork makes a temporary work directory, which the postgres user can
// reach, with the example app's services built into it; done removes it.
func appWork(ctx context.Context, bin, prefix string) (dir string, done func(), err error) {
	if dir, err = os.MkdirTemp("", prefix); err != nil {
		return "", nil, err
	}
	done = func() { os.RemoveAll(dir) }
	if err := os.Chmod(dir, 0o755); err != nil {
		done()
		return "", nil, err
	}
	if err := buildAppServices(ctx, bin, dir); err != nil {
		done()
		return "", nil, err
	}
	return dir, done, nil
}

// buildAppServices builds the example app's services into dir, as a CI
// image would have them, so no timing includes a go build.
func buildAppServices(ctx context.Context, bin, dir string) error {
	for _, svc := range []string{"web", "orders", "users"} {
		build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, svc), "./examples/app/"+svc)
		build.Dir = filepath.Dir(bin)
		if out, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %v: %s", svc, err, out)
		}
	}
	return nil
}

// appSandbox is the example app on the local target in a directory of its
// own: a blueprint running the services built into servicesDir, a prenv
// home (PostgreSQL, router) and a router port.
type appSandbox struct {
	bin, blueprint, home string
	port                 int
	env                  []string
}

func newAppSandbox(bin, dir, servicesDir, project, engine string) (*appSandbox, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	s := &appSandbox{bin: bin, blueprint: filepath.Join(dir, "prenv.yaml"), home: filepath.Join(dir, "home"), port: freePort()}
	body := fmt.Sprintf(`project: %[3]s
engine: %[4]s
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
`, servicesDir, filepath.Join(filepath.Dir(bin), "examples", "app", "db", "golden.sql"), project, engine)
	if err := os.WriteFile(s.blueprint, []byte(body), 0o644); err != nil {
		return nil, err
	}
	s.env = append(os.Environ(), "CI=", "GITHUB_ACTIONS=", "PRENV_HOME="+s.home, "PULUMI_CONFIG_PASSPHRASE=bench", "PRENV_ANONYMIZE_SALT=bench",
		fmt.Sprintf("PRENV_ROUTER_PORT=%d", s.port))
	return s, nil
}

// prenv runs bin/prenv on the sandbox's blueprint and returns how long it took.
func (s *appSandbox) prenv(ctx context.Context, args ...string) (time.Duration, error) {
	took, _, err := s.prenvOutput(ctx, args...)
	return took, err
}

// prenvOutput is prenv, with what the command printed.
func (s *appSandbox) prenvOutput(ctx context.Context, args ...string) (time.Duration, string, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(s.bin, "prenv"), append(args, "--blueprint", s.blueprint)...)
	cmd.Env = s.env
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, string(out), fmt.Errorf("prenv %v: %v: %s", args, err, out)
	}
	return time.Since(start), string(out), nil
}

// close destroys pr-1 and the baseline, and stops the router and the
// clusters, which outlive prenv by design.
func (s *appSandbox) close() {
	_, _ = s.prenv(context.Background(), "destroy", "--pr", "1")
	_, _ = s.prenv(context.Background(), "destroy", "--env", "baseline")
	stopRouter(filepath.Join(s.home, "routes"))
	thin, _ := filepath.Glob(filepath.Join(s.home, "thin", "*", "*"))
	for _, dir := range append(thin, filepath.Join(s.home, "postgres")) {
		_ = (&pg.Cluster{Dir: dir}).Stop(context.Background())
	}
}

// stopRouter stops the router prenv started for a routes directory.
func stopRouter(routes string) {
	for _, pid := range proc.WithArgs("--routes", routes) {
		_ = syscall.Kill(pid, syscall.SIGTERM)
	}
}
