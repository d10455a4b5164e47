package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/prenv/prenv/internal/anonymize"
)

// anonymizeSpeed times prenv's anonymisation of a 4M-row users table
// (email UNIQUE, name, phone; referenced by 6M orders) against one plain
// in-place UPDATE of the same three columns with md5, on identical
// clones; then a scoped run over 1 of 20 tables against the full run of
// all 20. BENCH_SCALE shrinks the data.
func anonymizeSpeed(ctx context.Context, _ string) error {
	g, err := newBenchGolden(ctx, "anonymise")
	if err != nil {
		return err
	}
	defer g.Close()
	url, admin, users := g.url, g.admin, g.users
	for _, db := range []string{"by_update", "by_prenv"} {
		if _, err := admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE golden STRATEGY FILE_COPY", db)); err != nil {
			return err
		}
	}
	// The CPU figures explain the ratio; failing to read them does not
	// fail the benchmark.
	update, updateCPU, cpuErr := timedCPU(g, func() error {
		return onDatabase(ctx, url, "by_update", func(c *pgx.Conn) error {
			_, err := c.Exec(ctx, "UPDATE users SET email = md5(email), name = md5(name), phone = md5(phone)")
			return err
		})
	})
	var rep anonymize.Report
	full, fullCPU, err := timedCPU(g, func() error {
		return onDatabase(ctx, url, "by_prenv", func(c *pgx.Conn) error {
			var err error
			rep, err = anonymize.Run(ctx, c, anonymize.Options{Rules: benchRules("users"), Salt: []byte("bench"), Allow: []string{"users.address"}})
			return err
		})
	})
	cpuErr = errors.Join(cpuErr, err)
	for _, r := range []result{update, full} {
		if r.err != nil {
			return r.err
		}
	}
	var rate float64
	for _, t := range rep.Tables {
		rate = t.RowsPerSecond()
		fmt.Fprintf(os.Stderr, "bench: anonymize %s profile: %s\n", t.Table, t.Profile())
	}
	fmt.Printf("bench: anonymize-full-table %.1f s for %d users, %.0f rows/s (same constraints intact)\n", full.d.Seconds(), users, rate)
	// The floor: prenv's CPU spread over every core, as its streams and
	// workers run at once; the UPDATE runs on one backend.
	if cpuErr != nil {
		fmt.Fprintf(os.Stderr, "bench: anonymize cpu: not measured: %v\n", cpuErr)
	} else {
		fmt.Fprintf(os.Stderr, "bench: anonymize cpu: prenv %.1f s (server %.1f s, prenv process %.1f s; %.1f s over %d cores), UPDATE %.1f s (server)\n",
			fullCPU.total().Seconds(), fullCPU.server.Seconds(), fullCPU.own.Seconds(), fullCPU.total().Seconds()/float64(runtime.NumCPU()), runtime.NumCPU(), updateCPU.total().Seconds())
	}
	fmt.Printf("bench: anonymize-vs-update %.1f x faster (goal >= 4; UPDATE ... md5() of the three columns took %.1f s)\n", update.d.Seconds()/full.d.Seconds(), update.d.Seconds())
	return scopedSpeed(ctx, url, admin, users)
}

// scopedSpeed times a run scoped to 1 of 20 tables against the full run.
func scopedSpeed(ctx context.Context, url string, admin *pgx.Conn, rows int) error {
	per := max(rows/20, 1000)
	if _, err := admin.Exec(ctx, "CREATE DATABASE twenty"); err != nil {
		return err
	}
	var ddl strings.Builder
	rules := map[string]anonymize.Rule{}
	var tables []string
	for i := 1; i <= 20; i++ {
		t := fmt.Sprintf("t%02d", i)
		tables = append(tables, t)
		fmt.Fprintf(&ddl, "CREATE TABLE %s (id bigint PRIMARY KEY, email text UNIQUE, name text);\n", t)
		fmt.Fprintf(&ddl, "INSERT INTO %s SELECT g, 'p' || g || '@corp.example', 'Person ' || g FROM generate_series(1, %d) g;\n", t, per)
		for col, r := range benchRules(t) {
			if !strings.HasSuffix(col, ".phone") {
				rules[col] = r
			}
		}
	}
	if err := onDatabase(ctx, url, "twenty", func(c *pgx.Conn) error {
		if _, err := c.Exec(ctx, ddl.String()); err != nil {
			return err
		}
		_, err := c.Exec(ctx, "VACUUM ANALYZE")
		return err
	}); err != nil {
		return err
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE twenty_scoped TEMPLATE twenty STRATEGY FILE_COPY"); err != nil {
		return err
	}
	full := timed(func() error {
		return onDatabase(ctx, url, "twenty", func(c *pgx.Conn) error {
			_, err := anonymize.Run(ctx, c, anonymize.Options{Rules: rules, Salt: []byte("bench")})
			return err
		})
	})
	scoped := timed(func() error {
		return onDatabase(ctx, url, "twenty_scoped", func(c *pgx.Conn) error {
			_, err := anonymize.Run(ctx, c, anonymize.Options{Rules: rules, Salt: []byte("bench"), Tables: tables[6:7]})
			return err
		})
	})
	for _, r := range []result{full, scoped} {
		if r.err != nil {
			return r.err
		}
	}
	fmt.Printf("bench: anonymize-scoped-ratio %.3f x (1 of 20 tables in %.2f s, all 20 in %.2f s; goal <= 0.1)\n", scoped.d.Seconds()/full.d.Seconds(), scoped.d.Seconds(), full.d.Seconds())
	return nil
}

func benchRules(table string) map[string]anonymize.Rule {
	return map[string]anonymize.Rule{
		table + ".email": {Transformer: "email"},
		table + ".name":  {Transformer: "name"},
		table + ".phone": {Transformer: "phone"},
	}
}

// onDatabase runs f connected to database db of the cluster at url.
func onDatabase(ctx context.Context, url, db string, f func(*pgx.Conn) error) error {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return err
	}
	cfg.Database = db
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	return f(c)
}
