package testenv

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/prenv/prenv/internal/pg"
)

// PostgresBinaries returns the PostgreSQL server binaries that `make
// test-deps` installs. It fails the test if there are none.
func PostgresBinaries(t testing.TB) pg.Binaries {
	t.Helper()
	RequireTool(t, "a PostgreSQL server", "make test-deps")
	bins, err := pg.FindBinaries(context.Background(), "")
	if err != nil {
		t.Fatalf("%v (`make test-deps` installs it)", err)
	}
	return bins
}

// Postgres starts a real PostgreSQL cluster in a temporary directory for
// the test and returns its superuser URL. It stops and removes the cluster
// when the test ends. Missing server binaries fail the test.
func Postgres(t testing.TB) string {
	t.Helper()
	bins := PostgresBinaries(t)
	// Not t.TempDir: its parent is private to root, and the server runs
	// as the postgres user when tests run as root.
	dir, err := os.MkdirTemp("", "prenv-pg-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	c := &pg.Cluster{Dir: dir, Binaries: bins}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := c.Stop(ctx); err != nil {
			t.Errorf("stop test PostgreSQL: %v", err)
		}
		os.RemoveAll(dir)
	})
	url, err := c.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return url
}
