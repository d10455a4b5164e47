package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/prenv/prenv/internal/loopfs"
	"github.com/prenv/prenv/internal/reflink"
)

// ReflinkEnv names a directory on a copy-on-write filesystem (XFS with
// reflink, btrfs) for the tests of thin clones when they do not run as
// root, which mounts one itself.
const ReflinkEnv = "PRENV_TEST_REFLINK_DIR"

// loopSize is each loop filesystem's size: sparse, so it costs only
// what the tests write.
const loopSize = 4 << 30

// mounts are the test binary's loop filesystems, one per kind, mounted by
// the first test that needs one. Main unmounts them when the tests end.
var mounts struct {
	sync.Mutex
	byKind map[loopfs.Kind]*loopfs.FS
	main   bool // Main runs the tests, and unmounts at their end
}

// Main runs a test binary's tests, then unmounts the filesystems that
// ReflinkDir and Ext4Dir mounted (pass or fail) and exits. A package whose
// tests use them calls it from TestMain.
func Main(m *testing.M) {
	mounts.Lock()
	mounts.main = true
	mounts.Unlock()
	code := m.Run()
	if err := unmountAll(); err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

func unmountAll() error {
	mounts.Lock()
	defer mounts.Unlock()
	var errs []error
	for kind, fs := range mounts.byKind {
		if err := fs.Unmount(); err != nil {
			errs = append(errs, fmt.Errorf("unmount the test %s at %s: %w", kind, fs.Dir, err))
		}
		delete(mounts.byKind, kind)
	}
	return errors.Join(errs...)
}

// ReflinkDir returns a new directory, which the postgres user can reach, on
// a filesystem whose files can share blocks. As root it is on a loop-mounted
// XFS with reflink (xfsprogs from `make test-deps`); otherwise it is inside
// PRENV_TEST_REFLINK_DIR. Without either the test fails, naming both; under
// -short it skips.
func ReflinkDir(t testing.TB) string {
	t.Helper()
	RequireTool(t, "a copy-on-write filesystem (a loop-mounted XFS as root, xfsprogs)", "make test-deps")
	var parent string
	switch {
	case os.Geteuid() == 0:
		parent = loopDir(t, loopfs.XFS)
	case os.Getenv(ReflinkEnv) != "":
		parent = os.Getenv(ReflinkEnv)
		if err := reflink.Probe(parent); err != nil {
			t.Fatalf("%s=%s: %v: point it at a directory on XFS (mkfs.xfs -m reflink=1) or btrfs", ReflinkEnv, parent, err)
		}
	default:
		t.Fatalf("thin clones need a copy-on-write filesystem: run the tests as root (they mount a loop XFS; `make test-deps` installs xfsprogs), or set %s to a directory on XFS with reflink or btrfs", ReflinkEnv)
	}
	return subdir(t, parent)
}

// OwnReflinkDir is ReflinkDir on a filesystem that no other test writes
// to, for a test that measures the filesystem's usage: as root a loop XFS
// of the test's own, unmounted when it ends; otherwise inside
// PRENV_TEST_REFLINK_DIR, as ReflinkDir.
func OwnReflinkDir(t testing.TB) string {
	t.Helper()
	if os.Geteuid() != 0 {
		return ReflinkDir(t)
	}
	RequireTool(t, "a copy-on-write filesystem (a loop-mounted XFS as root, xfsprogs)", "make test-deps")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	fs, err := loopfs.Mount(ctx, loopfs.XFS, loopSize)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := fs.Unmount(); err != nil {
			t.Errorf("unmount the test's own XFS: %v", err)
		}
	})
	return subdir(t, fs.Dir)
}

// Ext4Dir returns a new directory, which the postgres user can reach, on
// ext4, whose files cannot share blocks: a loop-mounted one as root, else
// the temporary directory when it is ext4.
func Ext4Dir(t testing.TB) string {
	t.Helper()
	RequireTool(t, "an ext4 filesystem (a loop-mounted one as root, e2fsprogs)", "make test-deps")
	if os.Geteuid() == 0 {
		return subdir(t, loopDir(t, loopfs.Ext4))
	}
	var st unix.Statfs_t
	if err := unix.Statfs(os.TempDir(), &st); err != nil || st.Type != unix.EXT4_SUPER_MAGIC {
		t.Fatalf("this test needs an ext4 directory: run it as root (it mounts a loop ext4), or set TMPDIR to a directory on ext4")
	}
	return subdir(t, os.TempDir())
}

// loopDir returns the mount point of the test binary's loop filesystem of
// kind, mounting it first. Without Main to unmount it at the end, the
// filesystem is the test's own and its cleanup unmounts it.
func loopDir(t testing.TB, kind loopfs.Kind) string {
	t.Helper()
	mounts.Lock()
	defer mounts.Unlock()
	if fs := mounts.byKind[kind]; fs != nil {
		return fs.Dir
	}
	_ = loopfs.SweepStale() // what killed test binaries left
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	fs, err := loopfs.Mount(ctx, kind, loopSize)
	if err != nil {
		t.Fatal(err)
	}
	if !mounts.main {
		t.Cleanup(func() {
			if err := fs.Unmount(); err != nil {
				t.Errorf("unmount the test %s: %v", kind, err)
			}
		})
		return fs.Dir
	}
	if mounts.byKind == nil {
		mounts.byKind = map[loopfs.Kind]*loopfs.FS{}
	}
	mounts.byKind[kind] = fs
	return fs.Dir
}

// subdir makes a directory of the test's own in parent, mode 0755 so the
// postgres user reaches what is inside, and removes it when the test ends.
func subdir(t testing.TB, parent string) string {
	t.Helper()
	dir, err := os.MkdirTemp(parent, "t")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
