package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/prenv/prenv/automation"
)

// ErrLockChanged is matched by errors.Is when a lock to remove was
// released, and another taken, since it was read.
var ErrLockChanged = errors.New("the lock changed since it was read")

// WorkspaceLock returns the lock the s3 backend holds on a workspace, the
// lock file Terraform writes beside its state (use_lockfile); held is
// false when there is none. The local backend's locks are its process's
// and are not kept here.
func (b *TerraformBackend) WorkspaceLock(ctx context.Context, project, workspace string) (Lock, bool, error) {
	return b.readTerraformLock(ctx, workspaceKey(project, workspace, tfLockFile), nil)
}

// readTerraformLock reads the lock file at key; listed, when known, dates
// one whose record cannot be read.
func (b *TerraformBackend) readTerraformLock(ctx context.Context, key string, listed *blob.ListObject) (Lock, bool, error) {
	r, err := b.bucket.NewReader(ctx, key, nil)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return Lock{}, false, nil
	}
	if err != nil {
		return Lock{}, false, &ReadError{URL: b.url(key), Err: err}
	}
	defer r.Close()
	var rec struct {
		ID      string
		Who     string
		Created time.Time
	}
	l := Lock{Key: key, Holder: automation.LockHolder{URL: b.url(key)}}
	if err := json.NewDecoder(r).Decode(&rec); err != nil || rec.ID == "" {
		l.Holder.Unreadable, l.Holder.Since = true, r.ModTime()
		if listed != nil {
			l.Holder.Since = listed.ModTime
		}
		return l, true, nil
	}
	l.ID, l.Holder.Since = rec.ID, rec.Created
	l.Holder.User, l.Holder.Host, _ = strings.Cut(rec.Who, "@")
	return l, true, nil
}

// RemoveWorkspaceLock deletes the workspace lock l, as `terraform
// force-unlock` does: only if the lock file still records l's ID, so a
// lock taken since l was read is kept and ErrLockChanged returned. A lock
// already gone is no error. Whether l may be removed is the caller's
// judgement.
func (b *TerraformBackend) RemoveWorkspaceLock(ctx context.Context, l Lock) error {
	now, held, err := b.readTerraformLock(ctx, l.Key, nil)
	switch {
	case err != nil:
		return err
	case !held:
		return nil
	case now.ID != l.ID || now.Holder.Unreadable != l.Holder.Unreadable:
		return fmt.Errorf("remove %s: %w", l.Holder.URL, ErrLockChanged)
	}
	if err := b.bucket.Delete(ctx, l.Key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return &ReadError{URL: b.url(l.Key), Err: err}
	}
	return nil
}
