package terraform

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/prenv/prenv/automation"
)

// The local backend locks a workspace with an fcntl lock on its state file
// and records the holder beside it. The kernel drops the lock with its
// process, so a lock is never left behind by a killed run; only its
// record can be.

// lockInfoPath is the local backend's record of who holds workspace's lock.
func (t *Engine) lockInfoPath(workspace string) string {
	return filepath.Join(t.cfg.StateDir, workspace, ".terraform.tfstate.lock.info")
}

// lockHolder reports who holds workspace's lock now: ok is false when no
// process holds it, whatever record a killed run left.
func (t *Engine) lockHolder(workspace string) (automation.LockHolder, bool) {
	pid, locked := fcntlHolder(t.statePath(workspace))
	if !locked {
		return automation.LockHolder{}, false
	}
	h := t.lockRecord(workspace)
	h.PID = pid
	return h, true
}

// lockRecord reads the holder's record; its zero value if there is none.
func (t *Engine) lockRecord(workspace string) automation.LockHolder {
	path := t.lockInfoPath(workspace)
	data, err := os.ReadFile(path)
	if err != nil {
		return automation.LockHolder{}
	}
	var info struct {
		Who     string
		Created time.Time
	}
	h := automation.LockHolder{URL: "file://" + path}
	if json.Unmarshal(data, &info) != nil {
		h.Unreadable = true
		return h
	}
	h.User, h.Host, _ = strings.Cut(info.Who, "@")
	h.Since = info.Created
	return h
}

// fcntlHolder asks the kernel whether a process holds a write lock on the
// file at path, and which.
func fcntlHolder(path string) (pid int, locked bool) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: 0, Len: 0}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err != nil {
		return 0, true // cannot tell: assume the worst
	}
	if lk.Type == syscall.F_UNLCK {
		return 0, false
	}
	return int(lk.Pid), true
}

// breakStaleRecord removes the lock record a killed run left, if no
// process holds the lock, and says what it did.
func (t *Engine) breakStaleRecord(workspace string) (string, error) {
	if _, locked := t.lockHolder(workspace); locked {
		return "", nil
	}
	path := t.lockInfoPath(workspace)
	h := t.lockRecord(workspace)
	if h.URL == "" {
		return "", nil
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("remove stale lock record %s: %w", path, err)
	}
	return fmt.Sprintf("removed the lock record of %s left by %s: no process holds its lock", workspace, h), nil
}
