package terraform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/blang/semver"
	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/prenv/prenv/automation"
)

// localBackend keeps the workspaces in Terraform's local backend, under a
// directory of a file:// backend: <dir>/<workspace>/terraform.tfstate.
//
// The local backend locks a workspace with an fcntl lock on its state file
// and records the holder beside it. The kernel drops the lock with its
// process, so a lock is never left behind by a killed run; only its
// record can be.
type localBackend struct {
	dir string
}

func (l *localBackend) name() string               { return "file://" }
func (l *localBackend) minVersion() semver.Version { return Version }

// configure points the local backend at the directory: each workspace's
// state is <dir>/<workspace>/terraform.tfstate.
func (l *localBackend) configure(dir string) ([]tfexec.InitOption, error) {
	if err := writeOverride(dir, "local"); err != nil {
		return nil, err
	}
	return []tfexec.InitOption{
		tfexec.BackendConfig("path=" + filepath.Join(l.dir, "default.tfstate")),
		tfexec.BackendConfig("workspace_dir=" + l.dir),
		tfexec.Upgrade(false),
		tfexec.Reconfigure(true),
	}, nil
}

func (l *localBackend) runEnv(workspace string) map[string]string {
	return runMarker(l.statePath(workspace), time.Now())
}

// statePath is where the local backend keeps workspace's state.
func (l *localBackend) statePath(workspace string) string {
	return filepath.Join(l.dir, workspace, "terraform.tfstate")
}

// recordPath is the local backend's record of who holds workspace's lock.
func (l *localBackend) recordPath(workspace string) string {
	return filepath.Join(l.dir, workspace, ".terraform.tfstate.lock.info")
}

// inspect asks the kernel whether a process holds workspace's lock; a
// record without one is stale.
func (l *localBackend) inspect(_ context.Context, workspace string, _ automation.Options) (lockView, error) {
	pid, locked := fcntlHolder(l.statePath(workspace))
	h, recorded := l.record(workspace)
	switch {
	case locked:
		h.PID = pid
		return lockView{found: true, holder: h}, nil
	case recorded:
		return lockView{found: true, holder: h, stale: "no process holds its lock, whose record a killed run left"}, nil
	default:
		return lockView{}, nil
	}
}

// release removes the record a killed run left.
func (l *localBackend) release(_ context.Context, workspace string, _ lockView) error {
	path := l.recordPath(workspace)
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove stale lock record %s: %w", path, err)
	}
	return nil
}

// record reads the holder's record; recorded is false if there is none.
func (l *localBackend) record(workspace string) (h automation.LockHolder, recorded bool) {
	path := l.recordPath(workspace)
	data, err := os.ReadFile(path)
	if err != nil {
		return automation.LockHolder{}, false
	}
	var info struct {
		Who     string
		Created time.Time
	}
	h = automation.LockHolder{URL: "file://" + path}
	if json.Unmarshal(data, &info) != nil {
		h.Unreadable = true
		return h, true
	}
	h.User, h.Host, _ = strings.Cut(info.Who, "@")
	h.Since = info.Created
	return h, true
}

func (l *localBackend) pushHint(workspace, kept string) string {
	path := strings.TrimPrefix(kept, "file://")
	return fmt.Sprintf("push it with `terraform workspace select %s && terraform state push %s` in the module's directory, then delete the file", workspace, path)
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
