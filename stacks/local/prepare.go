package local

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/internal/router"
	"github.com/prenv/prenv/stacks"
)

// Prepare readies this machine for the local target: PostgreSQL (the one
// PRENV_POSTGRES_URL names, or prenv's managed cluster) and the router.
// For up and preview it also fingerprints the services' sources and the
// migrations, so a change restarts exactly what it touched.
func Prepare(ctx context.Context, bp *stacks.Blueprint, s stacks.Setup) (stacks.Target, error) {
	// Terraform's provisioners re-read the salt on any operation, so the
	// local target needs it even for a destroy.
	salt, err := s.Salt()
	if err != nil {
		return nil, err
	}
	t, err := PrepareMachine(ctx, s)
	if err != nil {
		return nil, err
	}
	t.Salt, t.Changed = salt, s.Changed
	if s.Program {
		if t.Revisions, err = revisions(ctx, bp); err != nil {
			return nil, err
		}
		if t.MigrationsRevision, err = migrationsRevision(bp); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// PrepareMachine starts (or finds) the PostgreSQL and the router the local
// target uses, and says where its state lives under s.Home.
func PrepareMachine(ctx context.Context, s stacks.Setup) (Target, error) {
	port := router.DefaultPort
	if p := s.Getenv("PRENV_ROUTER_PORT"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Target{}, stacks.Input(fmt.Errorf("PRENV_ROUTER_PORT=%q is not a port: use 1-65535", p))
		}
		port = n
	}
	t := Target{
		RoutesDir:  filepath.Join(s.Home, "routes"),
		LogsDir:    filepath.Join(s.Home, "envs"),
		RouterPort: port,
		AdminURL:   s.Getenv("PRENV_POSTGRES_URL"),
		Golden:     s.Getenv("PRENV_GOLDEN"),
		Home:       s.Home,
		Binary:     s.Binary,
	}
	if t.AdminURL == "" {
		cluster := &pg.Cluster{Dir: postgresDir(s)}
		url, err := cluster.Start(ctx)
		if err != nil {
			return t, err
		}
		t.AdminURL = url
	}
	if err := ensureRouter(ctx, s, t.RoutesDir, port); err != nil {
		return t, err
	}
	return t, nil
}

// postgresDir is where the managed cluster lives: <prenv home>/postgres,
// or /var/lib/prenv/postgres for root's default home, which the postgres
// user cannot enter.
func postgresDir(s stacks.Setup) string {
	if d := s.Getenv("PRENV_POSTGRES_DIR"); d != "" {
		return d
	}
	if os.Geteuid() == 0 && s.Getenv("PRENV_HOME") == "" {
		return "/var/lib/prenv/postgres"
	}
	return filepath.Join(s.Home, "postgres")
}
