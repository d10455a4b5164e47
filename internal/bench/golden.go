package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5"

	"github.com/prenv/prenv/internal/pg"
)

// benchGolden is a PostgreSQL cluster of a benchmark's own, holding a
// golden database of fictional users (email UNIQUE) and their orders.
type benchGolden struct {
	work          string
	cluster       *pg.Cluster
	url           string // the cluster's superuser URL
	admin         *pgx.Conn
	users, orders int
}

// newBenchGolden starts the cluster and seeds the golden: 4M users and 6M
// orders, scaled by BENCH_SCALE. Close removes it all.
func newBenchGolden(ctx context.Context, purpose string) (*benchGolden, error) {
	scale, err := benchScale()
	if err != nil {
		return nil, err
	}
	return newBenchGoldenIn(ctx, purpose, "", scale)
}

// newBenchGoldenIn is newBenchGolden in a directory made in parent (""
// for the temporary directory), at scale of the full size.
func newBenchGoldenIn(ctx context.Context, purpose, parent string, scale float64) (*benchGolden, error) {
	g := &benchGolden{users: int(4_000_000 * scale), orders: int(6_000_000 * scale)}
	fmt.Fprintf(os.Stderr, "bench: generating a golden database of %d users and %d orders to %s (a few minutes at full size)...\n", g.users, g.orders, purpose)
	var err error
	if g.work, err = os.MkdirTemp(parent, "prenv-bench-"); err != nil {
		return nil, err
	}
	if err := os.Chmod(g.work, 0o755); err != nil {
		g.Close()
		return nil, err
	}
	g.cluster = &pg.Cluster{Dir: filepath.Join(g.work, "pg")}
	if g.url, err = g.cluster.Start(ctx); err != nil {
		g.Close()
		return nil, err
	}
	if g.admin, err = pgx.Connect(ctx, g.url); err != nil {
		g.Close()
		return nil, err
	}
	if _, err := g.admin.Exec(ctx, "CREATE DATABASE golden"); err != nil {
		g.Close()
		return nil, err
	}
	if err := seed(ctx, g.url, g.users, g.orders); err != nil {
		g.Close()
		return nil, err
	}
	return g, nil
}

// Close stops the cluster and removes its files.
func (g *benchGolden) Close() {
	if g.admin != nil {
		g.admin.Close(context.Background())
	}
	if g.cluster != nil {
		g.cluster.Stop(context.Background()) //nolint:errcheck // removed next
	}
	os.RemoveAll(g.work)
}
