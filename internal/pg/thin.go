package pg

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/prenv/prenv/internal/reflink"
)

// ThinCopy makes a cluster in dir, which must not exist, whose data
// directory shares every block with c's: O(1) in c's size on a
// filesystem with reflinks, and an error wrapping reflink.ErrUnsupported
// elsewhere. c must be stopped, so its files are consistent; a Replace of
// c waits for the copy. The copy has c's admin password; Start it.
func (c *Cluster) ThinCopy(dir string) (*Cluster, error) {
	unlock, err := lockFile(c.swapLock(), syscall.LOCK_SH)
	if err != nil {
		return nil, err
	}
	defer unlock()
	st, err := c.Status()
	switch {
	case err != nil:
		return nil, err
	case !st.Initialised:
		return nil, fmt.Errorf("no cluster to copy in %s: %w", c.Dir, fs.ErrNotExist)
	case st.Running:
		return nil, fmt.Errorf("the cluster in %s runs (pid %d): stop it before copying it", c.Dir, st.PID)
	}
	if _, err := os.Lstat(dir); err == nil {
		return nil, fmt.Errorf("copy the cluster in %s: %s exists", c.Dir, dir)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, err
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, err
	}
	cp := &Cluster{Dir: dir, Binaries: c.Binaries}
	if err := reflink.CopyTree(c.dataDir(), cp.dataDir()); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	password, err := os.ReadFile(c.passwordFile())
	if err == nil {
		err = os.WriteFile(cp.passwordFile(), password, 0o600)
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("copy the admin password of %s: %w", c.Dir, err)
	}
	return cp, nil
}

// Replace puts the stopped cluster next in c's place, atomically where
// the filesystem can exchange two directories, after ThinCopy calls in
// progress end, and removes the old one. Copies made from the old one
// keep their blocks.
func (c *Cluster) Replace(next *Cluster) error {
	if st, err := next.Status(); err != nil || st.Running {
		return errors.Join(err, fmt.Errorf("the cluster in %s runs: stop it before it replaces %s", next.Dir, c.Dir))
	}
	unlock, err := lockFile(c.swapLock(), syscall.LOCK_EX)
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := os.Stat(c.Dir); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(next.Dir, c.Dir)
	}
	if err := exchange(next.Dir, c.Dir); err != nil {
		return fmt.Errorf("swap %s into %s: %w", next.Dir, c.Dir, err)
	}
	return os.RemoveAll(next.Dir) // the old cluster, now
}

// Remove stops the cluster, ending its sessions, and removes its
// directory. A cluster that is not there is not an error.
func (c *Cluster) Remove(ctx context.Context) error {
	if _, err := os.Stat(c.Dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if st, err := c.Status(); err == nil && st.Running {
		if err := c.Stop(ctx); err != nil {
			// Past saving: its files go next.
			_ = syscall.Kill(st.PID, syscall.SIGQUIT)
		}
	}
	return os.RemoveAll(c.Dir)
}

// swapLock is the lock file beside Dir that ThinCopy shares and Replace
// takes alone; beside, because Replace moves Dir.
func (c *Cluster) swapLock() string {
	return filepath.Join(filepath.Dir(c.Dir), "."+filepath.Base(c.Dir)+".lock")
}
