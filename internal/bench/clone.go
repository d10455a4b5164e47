package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/prenv/prenv/internal/pg"
)

// cloneSpeed builds a golden database of about 1.5 GB (4M users with a
// unique email, 6M orders with a foreign key; BENCH_SCALE shrinks it) and
// times prenv's clone, STRATEGY FILE_COPY, against cp -r of the database's
// directory and against pg_dump -Fc | pg_restore.
func cloneSpeed(ctx context.Context, _ string) error {
	g, err := newBenchGolden(ctx, "clone")
	if err != nil {
		return err
	}
	defer g.Close()
	work, cluster, url, conn := g.work, g.cluster, g.url, g.admin
	var oid, size int64
	if err := conn.QueryRow(ctx, "SELECT oid::bigint, pg_database_size(oid) FROM pg_database WHERE datname = 'golden'").Scan(&oid, &size); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "CHECKPOINT"); err != nil {
		return err
	}

	clone := timed(func() error {
		_, err := conn.Exec(ctx, "CREATE DATABASE clone TEMPLATE golden STRATEGY FILE_COPY")
		return err
	})
	cp := timed(func() error {
		// Synced, as PostgreSQL syncs its copy: both end durable on disk.
		return exec.CommandContext(ctx, "/bin/sh", "-c", `cp -r "$1" "$2" && sync -f "$2"`, "sh",
			filepath.Join(cluster.Dir, "data", "base", strconv.FormatInt(oid, 10)), filepath.Join(work, "copy")).Run()
	})
	bins, err := pg.FindBinaries(ctx, "")
	if err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE restored"); err != nil {
		return err
	}
	restoredURL := strings.Replace(url, "/postgres?", "/restored?", 1)
	goldenURL := strings.Replace(url, "/postgres?", "/golden?", 1)
	dump := timed(func() error {
		cmd := exec.CommandContext(ctx, "/bin/sh", "-c", `"$1/pg_dump" -Fc "$2" | "$1/pg_restore" --no-owner -d "$3"`, "sh", bins.Dir, goldenURL, restoredURL)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		return nil
	})
	for _, r := range []result{clone, cp, dump} {
		if r.err != nil {
			return r.err
		}
	}
	fmt.Printf("bench: clone-golden-size %.2f GB\n", float64(size)/1e9)
	fmt.Printf("bench: clone-file-copy %.1f s\n", clone.d.Seconds())
	fmt.Printf("bench: clone-vs-cp %.2f x (goal <= 1.2; cp -r and sync took %.1f s)\n", clone.d.Seconds()/cp.d.Seconds(), cp.d.Seconds())
	fmt.Printf("bench: clone-vs-dump-restore %.1f x faster (goal >= 4; pg_dump | pg_restore took %.1f s)\n", dump.d.Seconds()/clone.d.Seconds(), dump.d.Seconds())
	return nil
}

// benchScale is BENCH_SCALE, the share of the full data size to use.
func benchScale() (float64, error) {
	s := os.Getenv("BENCH_SCALE")
	if s == "" {
		return 1, nil
	}
	scale, err := strconv.ParseFloat(s, 64)
	if err != nil || scale <= 0 {
		return 0, fmt.Errorf("BENCH_SCALE=%q is not a positive number", s)
	}
	return scale, nil
}

type result struct {
	d   time.Duration
	err error
}

func timed(f func() error) result {
	start := time.Now()
	err := f()
	return result{time.Since(start), err}
}

// seed fills the golden database with fictional people and their orders.
func seed(ctx context.Context, url string, users, orders int) error {
	conn, err := pgx.Connect(ctx, strings.Replace(url, "/postgres?", "/golden?", 1))
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, fmt.Sprintf(`
CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL, email text NOT NULL UNIQUE, phone text, address text);
INSERT INTO users SELECT g, 'Person ' || g, 'person' || g || '@example.com', '+1-555-' || lpad((g %% 10000000)::text, 7, '0'),
  g || ' ' || md5(g::text) || ' Street'
  FROM generate_series(1, %d) g;
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), total numeric(10,2) NOT NULL,
  placed_at timestamptz NOT NULL, note text);
INSERT INTO orders SELECT g, 1 + (g %% %d), (g %% 20000) / 100.0, timestamptz '2026-01-01' + g * interval '1 second', md5(g::text)
  FROM generate_series(1, %d) g;
CREATE INDEX ON orders (user_id);`, users, users, orders))
	if err != nil {
		return err
	}
	_, err = conn.Exec(ctx, "VACUUM ANALYZE")
	return err
}
