package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
)

// benches are the figures `make bench` prints, in order.
var benches = []struct {
	name string
	run  func(ctx context.Context, bin string) error
}{
	{"up-noop", func(ctx context.Context, bin string) error { return upNoopOverhead(ctx, bin, 7) }},
	{"router", routerOverhead},
	{"stub", stubOverhead},
	{"up-local", upLocal},
	{"clone", cloneSpeed},
	{"clone-thin", cloneThin},
	{"up-local-thin", upLocalThin},
	{"up-local-migration", upLocalMigration},
	{"anonymize", anonymizeSpeed},
	{"reap", reapAtScale},
	{"reap-s3", reapOnS3},
	{"engines", engineRatio},
}

func main() {
	bin := flag.String("bin", "bin", "directory holding prenv and pulumi")
	only := flag.String("only", "", "comma-separated benchmarks to run (default all): up-noop, router, stub, up-local, clone, clone-thin, up-local-thin, up-local-migration, anonymize, reap, reap-s3, engines")
	backend := flag.Bool("serve-backend", false, "internal: serve the router and stub benchmarks' static handler on $PORT")
	flag.Parse()
	if *backend {
		serveBackend()
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	dir, err := filepath.Abs(*bin)
	if err != nil {
		fail(err)
	}
	for _, b := range benches {
		if *only != "" && !slices.Contains(strings.Split(*only, ","), b.name) {
			continue
		}
		if err := b.run(ctx, dir); err != nil {
			fail(fmt.Errorf("%s: %w", b.name, err))
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}
