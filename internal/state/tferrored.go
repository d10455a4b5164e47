package state

import (
	"context"
	"fmt"
)

// Errored returns the URL of the state a failed terraform run could not
// save for a workspace, kept beside the workspace's own state by
// KeepErrored; found is false when there is none.
func (b *TerraformBackend) Errored(ctx context.Context, project, workspace string) (url string, found bool, err error) {
	key := workspaceKey(project, workspace, tfErroredFile)
	found, err = b.bucket.Exists(ctx, key)
	if err != nil {
		return "", false, &ReadError{URL: b.url(key), Err: err}
	}
	return b.url(key), found, nil
}

// KeepErrored keeps data, the state a failed terraform run could not save
// (its errored.tfstate), beside the workspace's state, where every later
// run finds it, and returns its URL.
func (b *TerraformBackend) KeepErrored(ctx context.Context, project, workspace string, data []byte) (string, error) {
	key := workspaceKey(project, workspace, tfErroredFile)
	if err := b.bucket.WriteAll(ctx, key, data, nil); err != nil {
		return "", fmt.Errorf("write %s: %w", b.url(key), err)
	}
	return b.url(key), nil
}
