package main

import (
	"context"
	"fmt"
	"os"

	"github.com/prenv/prenv/internal/loopfs"
	"github.com/prenv/prenv/internal/reflink"
)

// reflinkEnv names a directory on XFS with reflink or btrfs for the thin
// benchmarks when they do not run as root, as for the tests.
const reflinkEnv = "PRENV_TEST_REFLINK_DIR"

// reflinkDir returns a directory on a filesystem whose files share
// blocks, and what removes it: as root on a loop XFS of size bytes, else
// in PRENV_TEST_REFLINK_DIR. Without either, skip says why not.
func reflinkDir(ctx context.Context, size int64) (dir string, done func(), skip string, err error) {
	if os.Geteuid() == 0 {
		fs, err := loopfs.Mount(ctx, loopfs.XFS, size)
		if err != nil {
			return "", nil, "", err
		}
		return fs.Dir, func() { _ = fs.Unmount() }, "", nil
	}
	parent := os.Getenv(reflinkEnv)
	if parent == "" {
		return "", nil, fmt.Sprintf("needs root (to mount a loop XFS) or %s on XFS with reflink or btrfs", reflinkEnv), nil
	}
	if err := reflink.Probe(parent); err != nil {
		return "", nil, "", fmt.Errorf("%s=%s: %w", reflinkEnv, parent, err)
	}
	if dir, err = os.MkdirTemp(parent, "prenv-bench-"); err != nil {
		return "", nil, "", err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", nil, "", err
	}
	return dir, func() { os.RemoveAll(dir) }, "", nil
}
