package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/internal/proc"
	"github.com/prenv/prenv/stacks"
)

// cloneThin times a thin clone of the golden on a copy-on-write
// filesystem, from nothing to its own PostgreSQL answering, against
// STRATEGY FILE_COPY on the same filesystem; the full golden's clone
// against a tenth's (O(1) reads about 1); and an idle clone's memory.
func cloneThin(ctx context.Context, _ string) error {
	scale, err := benchScale()
	if err != nil {
		return err
	}
	dir, done, skip, err := reflinkDir(ctx, 16<<30)
	if skip != "" || err != nil {
		return skipped("clone-thin", skip, err)
	}
	defer done()
	full, err := stoppedGolden(ctx, dir, "clone-thin", scale)
	if err != nil {
		return err
	}
	defer full.Close()
	tenth, err := stoppedGolden(ctx, dir, "clone-thin-size-ratio", scale/10)
	if err != nil {
		return err
	}
	defer tenth.Close()

	thin, rss, err := timeThinClones(ctx, full.cluster, filepath.Join(dir, "clones"))
	if err != nil {
		return err
	}
	small, _, err := timeThinClones(ctx, tenth.cluster, filepath.Join(dir, "clones"))
	if err != nil {
		return err
	}
	fileCopy, err := timeFileCopy(ctx, full)
	if err != nil {
		return err
	}
	st, _ := full.cluster.Status()
	fmt.Printf("bench: clone-thin %.2f s (goal <= 0.5; a %.2f GB golden's copy and its PostgreSQL answering, median of 5)\n", thin.Seconds(), float64(st.SizeBytes)/1e9)
	fmt.Printf("bench: clone-thin-vs-file-copy %.1f x faster (goal >= 10; STRATEGY FILE_COPY on the same XFS took %.1f s)\n", fileCopy.Seconds()/thin.Seconds(), fileCopy.Seconds())
	fmt.Printf("bench: clone-thin-size-ratio %.2f x (goal <= 1.5; the full golden's thin clone against a tenth's, %.2f s)\n", thin.Seconds()/small.Seconds(), small.Seconds())
	fmt.Printf("bench: clone-thin-rss %.1f MB (goal <= 64; an idle clone's postmaster and its processes, shared pages counted once)\n", float64(rss)/1e6)
	return nil
}

// stoppedGolden seeds a golden at scale in a cluster inside dir, then
// freezes and stops it, as prenv's thin golden is.
func stoppedGolden(ctx context.Context, dir, purpose string, scale float64) (*benchGolden, error) {
	g, err := newBenchGoldenIn(ctx, purpose, dir, scale)
	if err != nil {
		return nil, err
	}
	admin, err := pg.Connect(ctx, g.url)
	if err == nil {
		err = admin.Freeze(ctx, "golden")
		admin.Close(context.Background())
	}
	g.admin.Close(context.Background())
	g.admin = nil
	if err == nil {
		err = g.cluster.Stop(ctx)
	}
	if err != nil {
		g.Close()
		return nil, err
	}
	return g, nil
}

// timeThinClones makes five thin clones of golden in turn, each timed
// from its copy to a query answered, and returns the median and the
// memory of the last one's PostgreSQL after a second idle.
func timeThinClones(ctx context.Context, golden *pg.Cluster, dir string) (time.Duration, int64, error) {
	var times []time.Duration
	var rss int64
	for i := range 5 {
		clone := &pg.Cluster{Dir: filepath.Join(dir, fmt.Sprint(i)), MaxConnections: stacks.DefaultThinMaxConnections,
			SharedBuffers: stacks.DefaultThinSharedBuffers, CopyOnWrite: true}
		start := time.Now()
		err := startClone(ctx, golden, clone)
		times = append(times, time.Since(start))
		if err == nil && i == 4 {
			time.Sleep(time.Second)
			var st pg.ClusterStatus
			if st, err = clone.Status(); err == nil {
				rss, err = proc.Memory(st.PID)
			}
		}
		if rerr := clone.Remove(context.Background()); err == nil {
			err = rerr
		}
		if err != nil {
			return 0, 0, err
		}
	}
	slices.Sort(times)
	return times[len(times)/2], rss, nil
}

// startClone copies golden into clone, starts it and waits for an answer.
func startClone(ctx context.Context, golden, clone *pg.Cluster) error {
	if _, err := golden.ThinCopy(clone.Dir); err != nil {
		return err
	}
	url, err := clone.Start(ctx)
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, strings.Replace(url, "/postgres?", "/golden?", 1))
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	var n int
	return conn.QueryRow(ctx, "SELECT count(*) FROM users WHERE id = 1").Scan(&n)
}

// timeFileCopy times the template clone of the same golden on the same
// filesystem, then stops its cluster again.
func timeFileCopy(ctx context.Context, g *benchGolden) (time.Duration, error) {
	url, err := g.cluster.Start(ctx)
	if err != nil {
		return 0, err
	}
	defer g.cluster.Stop(context.Background()) //nolint:errcheck // removed by Close
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, err
	}
	defer conn.Close(context.Background())
	r := timed(func() error {
		_, err := conn.Exec(ctx, "CREATE DATABASE clone TEMPLATE golden STRATEGY FILE_COPY")
		return err
	})
	return r.d, r.err
}

// skipped prints why a benchmark did not run, or returns its error.
func skipped(name, why string, err error) error {
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stdout, "bench: %s skipped: %s\n", name, why)
	return nil
}
