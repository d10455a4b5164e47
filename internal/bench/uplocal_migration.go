package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/prenv/prenv/internal/pg"
)

// prMigrations are the two PR migrations timed against the full golden:
// one that adds a column to users and backfills it from users.email (so
// the column inherits email's rule and is checked, by a column pass), and
// one that writes no personal data (nothing to anonymise).
var prMigrations = []struct{ name, what, sql, goal string }{
	{"up-local-pr-migration", "backfills a new users column from users.email",
		"ALTER TABLE users ADD COLUMN contact text;\nUPDATE users SET contact = email;\n", "40"},
	{"up-local-pr-nopii-migration", "writes no personal data (a column, a constraint, a rename)",
		"ALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE users ADD CONSTRAINT users_name_present CHECK (name <> '') NOT VALID;\nALTER TABLE users RENAME COLUMN nickname TO handle;\n", "10"},
}

// upLocalMigration times `prenv up` of a PR environment of the example app
// whose migration changes the full golden's users (BENCH_SCALE scales it),
// with database.anonymize.scope migrations, from nothing to its URL
// answering, with the baseline already up; then the same with a migration
// that writes no personal data, and counts the rows its environment's
// database had written (anonymize-noop-migration-rows).
func upLocalMigration(ctx context.Context, bin string) error {
	scale, err := benchScale()
	if err != nil {
		return err
	}
	production, err := newBenchGoldenIn(ctx, "up-local-pr-migration", "", scale)
	if err != nil {
		return err
	}
	defer production.Close()
	work, done, err := appWork(ctx, bin, "prenv-bench-migration-")
	if err != nil {
		return err
	}
	defer done()
	s, err := newAppSandbox(bin, filepath.Join(work, "app"), work, "benchmig", "pulumi")
	if err != nil {
		return err
	}
	defer s.close()
	migrations := filepath.Join(work, "app", "migrations")
	if err := withMigrations(s.blueprint, migrations); err != nil {
		return err
	}
	s.env = append(s.env, "PRENV_GOLDEN="+strings.Replace(production.url, "/postgres?", "/golden?", 1))
	fmt.Fprintln(os.Stderr, "bench: building the golden from the production database (minutes at full size)...")
	if _, err := s.prenv(ctx, "up", "--env", "baseline"); err != nil {
		return err
	}
	for i, m := range prMigrations {
		pr := fmt.Sprint(i + 2) // pr-1 is the sandbox's own, destroyed by close
		if err := os.WriteFile(filepath.Join(migrations, "001_pr.up.sql"), []byte(m.sql), 0o644); err != nil {
			return err
		}
		start := time.Now()
		_, out, err := s.prenvOutput(ctx, "up", "--pr", pr)
		if err != nil {
			return err
		}
		if err := (target{url: fmt.Sprintf("http://127.0.0.1:%d/", s.port), host: "pr-" + pr + ".localhost"}).waitReady(60 * time.Second); err != nil {
			return err
		}
		took := time.Since(start)
		fmt.Printf("bench: %s %.1f s (goal <= %s; a PR whose migration %s on a %d-user golden, scope migrations, from nothing to the URL answering)\n",
			m.name, took.Seconds(), m.goal, m.what, production.users)
		if split := migrationSplit.FindStringSubmatch(out); split != nil {
			// Information: the PR's own migration is its cost, whatever
			// prenv does; the anonymisation is what the 40 s budget is for.
			fmt.Printf("bench: %s-split: the migration took %s, anonymising what it wrote %s (no goal)\n", m.name, split[1], split[2])
		}
		if i == 1 {
			rows, err := rowsWritten(ctx, s.home, "prenv_benchmig_pr_"+pr)
			if err != nil {
				return err
			}
			fmt.Printf("bench: anonymize-noop-migration-rows %d rows (goal = 0; rows inserted, updated or deleted in that PR's database, schema_migrations aside)\n", rows)
		}
		defer s.prenv(context.Background(), "destroy", "--pr", pr) //nolint:errcheck // best effort, before close stops the clusters
	}
	return nil
}

// migrationSplit reads the line in which prenv up reports how long a PR's
// migrations and their anonymisation took.
var migrationSplit = regexp.MustCompile(`migrations \[[^]]*\] took (\S+), and anonymising what they wrote (\S+)`)

// withMigrations points the sandbox's blueprint at a migrations directory,
// created empty, with database.anonymize.scope migrations.
func withMigrations(blueprint, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	body, err := os.ReadFile(blueprint)
	if err != nil {
		return err
	}
	edited := strings.Replace(string(body), "\n  anonymize:\n", fmt.Sprintf("\n  migrations: %s\n  anonymize:\n    scope: migrations\n", dir), 1)
	if edited == string(body) {
		return fmt.Errorf("the sandbox's blueprint has no database.anonymize to scope")
	}
	return os.WriteFile(blueprint, []byte(edited), 0o644)
}

// rowsWritten sums the rows inserted, updated and deleted in database db
// of the sandbox's PostgreSQL since it was created, schema_migrations aside.
func rowsWritten(ctx context.Context, home, db string) (int64, error) {
	url, err := (&pg.Cluster{Dir: filepath.Join(home, "postgres")}).Start(ctx)
	if err != nil {
		return 0, err
	}
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return 0, err
	}
	cfg.Database = db
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return 0, err
	}
	defer conn.Close(context.Background())
	var n int64
	err = conn.QueryRow(ctx, `SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint FROM pg_stat_user_tables WHERE relname <> 'schema_migrations'`).Scan(&n)
	return n, err
}
