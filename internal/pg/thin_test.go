package pg_test

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/internal/reflink"
	"github.com/prenv/prenv/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestThinCopy copies a stopped cluster on XFS, starts the copy with
// small settings, writes to it, and replaces the original with a rebuilt
// one while the copy runs: the copy keeps its own data throughout.
func TestThinCopy(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	bins := testenv.PostgresBinaries(t)
	dir := testenv.ReflinkDir(t)
	golden := &pg.Cluster{Dir: filepath.Join(dir, "golden"), Binaries: bins}
	url, err := golden.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { golden.Remove(context.Background()) })
	exec(t, url, "postgres", "CREATE TABLE notes (body text); INSERT INTO notes VALUES ('golden v1')")
	if _, err := golden.ThinCopy(filepath.Join(dir, "refused")); err == nil || !strings.Contains(err.Error(), "stop it") {
		t.Errorf("ThinCopy of a running cluster = %v, want a refusal", err)
	}
	if err := golden.Stop(ctx); err != nil {
		t.Fatal(err)
	}

	cp, err := golden.ThinCopy(filepath.Join(dir, "pr-1"))
	if err != nil {
		t.Fatal(err)
	}
	cp.MaxConnections, cp.SharedBuffers, cp.CopyOnWrite = 20, "16MB", true
	cpURL, err := cp.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cp.Remove(context.Background()) })
	for setting, want := range map[string]string{"max_connections": "20", "shared_buffers": "16MB", "wal_init_zero": "off"} {
		if got := show(t, cpURL, setting); got != want {
			t.Errorf("the copy's %s = %s, want %s", setting, got, want)
		}
	}
	exec(t, cpURL, "postgres", "INSERT INTO notes VALUES ('pr-1 wrote this')")

	// A rebuilt golden, made here as a copy of the old one with a change.
	next, err := golden.ThinCopy(filepath.Join(dir, "golden.next"))
	if err != nil {
		t.Fatal(err)
	}
	nextURL, err := next.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	exec(t, nextURL, "postgres", "UPDATE notes SET body = 'golden v2'")
	if err := next.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := golden.Replace(next); err != nil {
		t.Fatal(err)
	}
	if st, err := next.Status(); err != nil || st.Initialised {
		t.Errorf("the old golden is still at %s after Replace (%v)", next.Dir, err)
	}
	if got := notes(t, cpURL); got != "golden v1,pr-1 wrote this" {
		t.Errorf("the running copy holds %q after the golden was replaced, want its own rows", got)
	}
	if url, err = golden.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if got := notes(t, url); got != "golden v2" {
		t.Errorf("the golden holds %q after Replace, want the rebuilt one's rows", got)
	}
	if err := golden.Stop(ctx); err != nil {
		t.Fatal(err)
	}

	if err := cp.Remove(ctx); err != nil {
		t.Fatal(err)
	}
	if st, err := cp.Status(); err != nil || st.Running || st.Initialised {
		t.Errorf("Status after Remove = %+v, %v; want nothing left", st, err)
	}
}

func TestThinCopyNeedsReflinks(t *testing.T) {
	t.Parallel()
	bins := testenv.PostgresBinaries(t)
	dir := testenv.Ext4Dir(t)
	golden := &pg.Cluster{Dir: filepath.Join(dir, "golden"), Binaries: bins}
	if _, err := golden.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := golden.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := golden.ThinCopy(filepath.Join(dir, "pr-1")); !errors.Is(err, reflink.ErrUnsupported) {
		t.Errorf("ThinCopy on ext4 = %v, want reflink.ErrUnsupported", err)
	}
}

// TestClusterKeepPort: a restart whose port another program took fails
// with KeepPort, naming the port, and moves to another port without.
func TestClusterKeepPort(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	bins := testenv.PostgresBinaries(t)
	dir := testenv.ReflinkDir(t)
	c := &pg.Cluster{Dir: filepath.Join(dir, "pg"), Binaries: bins, KeepPort: true}
	first, err := c.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Remove(context.Background()) })
	st, _ := c.Status()
	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(st.Port)))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := c.Start(ctx); err == nil || !strings.Contains(err.Error(), "port "+strconv.Itoa(st.Port)) {
		t.Errorf("Start with KeepPort on a taken port = %v, want an error naming port %d", err, st.Port)
	}
	c.KeepPort = false
	moved, err := c.Start(ctx)
	if err != nil || moved == first {
		t.Errorf("Start without KeepPort = %q, %v; want another port than %q", moved, err, first)
	}
}

func show(t *testing.T, url, setting string) string {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var v string
	if err := conn.QueryRow(t.Context(), "SHOW "+setting).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func notes(t *testing.T, url string) string {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var v string
	if err := conn.QueryRow(t.Context(), "SELECT string_agg(body, ',' ORDER BY body) FROM notes").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
