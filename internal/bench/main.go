package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
)

func main() {
	rounds := flag.Int("rounds", 7, "runs of each command; medians are reported")
	bin := flag.String("bin", "bin", "directory holding prenv and pulumi")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	dir, err := filepath.Abs(*bin)
	if err == nil {
		err = upNoopOverhead(ctx, dir, *rounds)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
