package loopfs_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/loopfs"
	"github.com/prenv/prenv/internal/reflink"
	"github.com/prenv/prenv/internal/testenv"
)

// TestMountAndSweepStale mounts a loop XFS whose files share blocks, then
// leaves it as a test binary killed by its timeout would: SweepStale
// unmounts it, detaches its loop device and removes its image.
func TestMountAndSweepStale(t *testing.T) {
	testenv.RequireTool(t, "root and xfsprogs, to mount a loop XFS", "make test-deps")
	if os.Geteuid() != 0 {
		if os.Getenv(testenv.ReflinkEnv) != "" {
			t.Skipf("loop filesystems are mounted only as root; %s replaces them", testenv.ReflinkEnv)
		}
		t.Fatalf("mounting a loop XFS needs root: run the tests as root, or set %s", testenv.ReflinkEnv)
	}
	fs, err := loopfs.Mount(t.Context(), loopfs.XFS, 512<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Unmount()
	if !mounted(t, fs.Dir) {
		t.Fatalf("%s is not a mount point", fs.Dir)
	}
	if err := reflink.Probe(fs.Dir); err != nil || reflink.Filesystem(fs.Dir) != "xfs" {
		t.Fatalf("the loop filesystem is %q and shares no blocks: %v", reflink.Filesystem(fs.Dir), err)
	}

	// The same mount, renamed as if made by a process that is gone.
	base := filepath.Dir(fs.Dir)
	stale := filepath.Join(filepath.Dir(base), "prenv-loopfs-xfs-999999999-stale")
	if err := os.Rename(base, stale); err != nil {
		t.Fatal(err)
	}
	if err := loopfs.SweepStale(); err != nil {
		t.Fatal(err)
	}
	if mounted(t, filepath.Join(stale, "mnt")) {
		t.Error("SweepStale left the stale mount mounted")
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("SweepStale left %s: %v", stale, err)
	}
	out, err := exec.Command("losetup", "-a").Output()
	if err != nil || strings.Contains(string(out), stale) {
		t.Errorf("a loop device still backs the stale image (%v):\n%s", err, out)
	}
}

func mounted(t *testing.T, dir string) bool {
	t.Helper()
	data, err := os.ReadFile("/proc/self/mounts")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[1] == dir {
			return true
		}
	}
	return false
}
