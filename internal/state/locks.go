package state

import (
	"context"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/prenv/prenv/automation"
)

// Lock is one lock file on a stack.
type Lock struct {
	Key    string                // the file's key under the backend's root
	Holder automation.LockHolder // who took it, as the file records; URL names the file
	ID     string                // the lock's ID, for Terraform's; "" for pulumi's
}

// locksDir is where pulumi keeps the lock files of a project's stacks, a
// directory per stack.
func locksDir(project string) string {
	return path.Join(".pulumi/locks/organization", project)
}

// Locks returns the stack's lock files: one listing and one read per
// lock. Every file in the stack's lock directory is a lock to pulumi,
// including one a run was killed while writing, which is Unreadable.
func (b *Backend) Locks(ctx context.Context, project, stack string) ([]Lock, error) {
	files, err := b.list(ctx, path.Join(locksDir(project), stack)+"/", "/")
	if err != nil {
		return nil, err
	}
	var locks []Lock
	for _, f := range files {
		if f.IsDir {
			continue
		}
		l, ok, err := b.readLock(ctx, f)
		if err != nil {
			return nil, err
		}
		if ok {
			locks = append(locks, l)
		}
	}
	return locks, nil
}

// projectLocks returns the locks of every stack of the project, by stack,
// from one listing.
func (b *Backend) projectLocks(ctx context.Context, project string) (map[string][]Lock, error) {
	prefix := locksDir(project) + "/"
	files, err := b.list(ctx, prefix, "")
	if err != nil {
		return nil, err
	}
	locks := map[string][]Lock{}
	for _, f := range files {
		stack, file, ok := strings.Cut(strings.TrimPrefix(f.Key, prefix), "/")
		if f.IsDir || !ok || strings.Contains(file, "/") {
			continue
		}
		l, ok, err := b.readLock(ctx, f)
		if err != nil {
			return nil, err
		}
		if ok {
			locks[stack] = append(locks[stack], l)
		}
	}
	return locks, nil
}

// readLock reads one lock file; ok is false if it was released since it
// was listed.
func (b *Backend) readLock(ctx context.Context, f *blob.ListObject) (Lock, bool, error) {
	data, err := b.bucket.ReadAll(ctx, f.Key)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return Lock{}, false, nil
	}
	if err != nil {
		return Lock{}, false, &ReadError{URL: b.url(f.Key), Err: err}
	}
	var rec struct {
		PID       int       `json:"pid"`
		Username  string    `json:"username"`
		Hostname  string    `json:"hostname"`
		Timestamp time.Time `json:"timestamp"`
	}
	l := Lock{Key: f.Key, Holder: automation.LockHolder{URL: b.url(f.Key)}}
	if err := json.Unmarshal(data, &rec); err != nil {
		l.Holder.Unreadable, l.Holder.Since = true, f.ModTime
	} else {
		l.Holder.User, l.Holder.Host, l.Holder.PID, l.Holder.Since = rec.Username, rec.Hostname, rec.PID, rec.Timestamp
	}
	return l, true, nil
}

// RemoveLock deletes a lock file. One already gone is no error. Whether
// the lock may be removed is the caller's judgement.
func (b *Backend) RemoveLock(ctx context.Context, l Lock) error {
	if err := b.bucket.Delete(ctx, l.Key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return &ReadError{URL: b.url(l.Key), Err: err}
	}
	return b.removeTmpSidecar(l.Key)
}

// removeTmpSidecar removes, on a file:// backend, the attributes file
// fileblob writes before it renames <id>.json.<n>.tmp to <id>.json: it is
// named after the final file, so deleting the .tmp key leaves it behind.
func (b *Backend) removeTmpSidecar(key string) error {
	base, ok := strings.CutSuffix(key, ".tmp")
	i := strings.LastIndexByte(base, '.')
	if b.loc.dir == "" || !ok || i <= 0 {
		return nil
	}
	sidecar := filepath.Join(b.loc.dir, filepath.FromSlash(base[:i])+".attrs")
	if err := os.Remove(sidecar); err != nil && !os.IsNotExist(err) {
		return &ReadError{URL: "file://" + sidecar, Err: err}
	}
	return nil
}
