package reflink_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/prenv/prenv/internal/reflink"
	"github.com/prenv/prenv/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestProbe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		dir  func(testing.TB) string
		want error
		fs   []string // what Filesystem may say
	}{
		{"xfs with reflink", testenv.ReflinkDir, nil, []string{"xfs", "btrfs"}},
		{"ext4", testenv.Ext4Dir, reflink.ErrUnsupported, []string{"ext4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := tt.dir(t)
			if got := reflink.Probe(dir); !errors.Is(got, tt.want) || (tt.want == nil && got != nil) {
				t.Errorf("Probe(%s) = %v, want %v", tt.name, got, tt.want)
			}
			if got := reflink.Filesystem(dir); !slices.Contains(tt.fs, got) {
				t.Errorf("Filesystem(%s) = %q, want one of %v", tt.name, got, tt.fs)
			}
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Errorf("Probe left %d files behind", len(left))
			}
		})
	}
}

// TestCopyTreeSharesBlocks copies a tree holding 32 MB of data: the copy
// is identical, costs the filesystem no data blocks, and owns only what
// is written to it afterwards.
func TestCopyTreeSharesBlocks(t *testing.T) {
	t.Parallel()
	dir := testenv.ReflinkDir(t)
	src := filepath.Join(dir, "src")
	data := make([]byte, 32<<20)
	rand.Read(data)
	mustMkdir(t, filepath.Join(src, "base", "1"), 0o700)
	mustWrite(t, filepath.Join(src, "base", "1", "16384"), data, 0o600)
	mustWrite(t, filepath.Join(src, "PG_VERSION"), []byte("15\n"), 0o640)
	if err := os.Symlink("base/1", filepath.Join(src, "link")); err != nil {
		t.Fatal(err)
	}
	unix.Sync()
	before := used(t, dir)

	dst := filepath.Join(dir, "dst")
	if err := reflink.CopyTree(src, dst); err != nil {
		t.Fatal(err)
	}
	unix.Sync()
	if grew := used(t, dir) - before; grew > 1<<20 {
		t.Errorf("the copy of 32 MB took %d bytes of the filesystem, want under 1 MiB (metadata only)", grew)
	}
	got, err := os.ReadFile(filepath.Join(dst, "link", "16384"))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("the copy's data differs from the original (%v)", err)
	}
	for path, want := range map[string]os.FileMode{"base/1": 0o700 | os.ModeDir, "base/1/16384": 0o600, "PG_VERSION": 0o640} {
		if fi, err := os.Stat(filepath.Join(dst, path)); err != nil || fi.Mode() != want {
			t.Errorf("%s: mode %v (%v), want %v", path, fi.Mode(), err, want)
		}
	}
	if owned, err := reflink.OwnedBytes(dst); err != nil || owned > 4096 {
		t.Errorf("OwnedBytes of a fresh copy = %d (%v), want at most the 4 KiB PG_VERSION's block", owned, err)
	}

	f, err := os.OpenFile(filepath.Join(dst, "base", "1", "16384"), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(make([]byte, 1<<20), 4<<20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	owned, err := reflink.OwnedBytes(dst)
	if err != nil || owned < 1<<20 || owned > 1<<20+8192 {
		t.Errorf("OwnedBytes after writing 1 MiB = %d (%v), want 1 MiB and at most two 4 KiB blocks more", owned, err)
	}
	if orig, err := os.ReadFile(filepath.Join(src, "base", "1", "16384")); err != nil || !bytes.Equal(orig, data) {
		t.Errorf("writing the copy changed the original (%v)", err)
	}
}

func TestCopyTreeRefusesToCopyData(t *testing.T) {
	t.Parallel()
	dir := testenv.Ext4Dir(t)
	src := filepath.Join(dir, "src")
	mustMkdir(t, src, 0o700)
	mustWrite(t, filepath.Join(src, "file"), []byte("data"), 0o600)
	err := reflink.CopyTree(src, filepath.Join(dir, "dst"))
	if !errors.Is(err, reflink.ErrUnsupported) {
		t.Errorf("CopyTree on ext4 = %v, want ErrUnsupported", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "dst")); !os.IsNotExist(err) {
		t.Errorf("a failed CopyTree left its destination: %v", err)
	}
}

// used is the filesystem's used bytes, as df counts them.
func used(t *testing.T, dir string) int64 {
	t.Helper()
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Blocks-st.Bfree) * st.Bsize
}

func mustMkdir(t *testing.T, dir string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(dir, mode); err != nil {
		t.Fatal(err)
	}
}

func mustWrite(t *testing.T, path string, data []byte, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}
