package state

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"path"
	"slices"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
	"golang.org/x/sync/errgroup"
)

// The files of one Terraform workspace, in its directory.
const (
	tfStateFile   = "terraform.tfstate"
	tfLockFile    = tfStateFile + ".tflock" // the s3 backend's lock (use_lockfile)
	tfErroredFile = "errored.tfstate"       // what a run could not save, kept by prenv
)

// TerraformDir is where prenv's Terraform engine keeps a project's
// workspaces under a backend's root, one directory each:
// <TerraformDir>/<workspace>/terraform.tfstate. It is the local backend's
// workspace_dir and the s3 backend's workspace_key_prefix alike.
func TerraformDir(project string) string { return path.Join("terraform", project) }

// TerraformBackend is the state prenv's Terraform engine keeps in a
// file:// directory (Terraform's local backend) or an s3:// bucket
// (Terraform's s3 backend), read through the same blob drivers as
// pulumi's, without running terraform.
type TerraformBackend struct {
	bucket *blob.Bucket
	loc    location
}

// OpenTerraform opens the Terraform state at backendURL, a file:// one
// (whose directory must exist) or an s3:// one, with the parameters Open
// takes.
func OpenTerraform(ctx context.Context, backendURL string) (*TerraformBackend, error) {
	loc, err := locate(backendURL)
	if err != nil {
		return nil, err
	}
	open, err := terraformOpenURL(loc)
	if err != nil {
		return nil, &URLError{URL: backendURL, Err: err}
	}
	bucket, err := blob.OpenBucket(ctx, open)
	if err != nil {
		return nil, &URLError{URL: backendURL, Err: err}
	}
	if loc.prefix != "" {
		bucket = blob.PrefixedBucket(bucket, loc.prefix)
	}
	return &TerraformBackend{bucket: bucket, loc: loc}, nil
}

// terraformOpenURL is the URL gocloud opens for Terraform's files. On
// file://, no fileblob sidecars are written beside them. On an
// S3-compatible store, whose objects Terraform writes without checksums
// (skip_s3_checksum), responses are not checked for one, which the AWS
// SDK would warn of on every read.
func terraformOpenURL(loc location) (string, error) {
	u, err := url.Parse(loc.open)
	if err != nil {
		return "", err
	}
	q := u.Query()
	switch {
	case u.Scheme == "file":
		q.Set("metadata", "skip")
	case u.Scheme == "s3" && q.Get("endpoint") != "" && q.Get("response_checksum_validation") == "":
		q.Set("response_checksum_validation", "when_required")
	default:
		return loc.open, nil
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Close releases the backend's connections.
func (b *TerraformBackend) Close() error { return b.bucket.Close() }

// String is the backend's root, without credentials or parameters.
func (b *TerraformBackend) String() string { return b.loc.base }

// workspaceKey is the key of one of a workspace's files.
func workspaceKey(project, workspace, file string) string {
	return path.Join(TerraformDir(project), workspace, file)
}

// StateURL names a workspace's state as people read it.
func (b *TerraformBackend) StateURL(project, workspace string) string {
	return b.url(workspaceKey(project, workspace, tfStateFile))
}

// Workspaces returns the project's workspaces, sorted by name, each with
// the s3 backend's lock when one is held: one listing, and one read per
// workspace and per lock.
func (b *TerraformBackend) Workspaces(ctx context.Context, project string) ([]Stack, error) {
	prefix := TerraformDir(project) + "/"
	files, err := list(ctx, b.bucket, prefix, "", b.url)
	if err != nil {
		return nil, err
	}
	states := map[string]string{}
	locks := map[string]*blob.ListObject{}
	for _, f := range files {
		workspace, file, ok := strings.Cut(strings.TrimPrefix(f.Key, prefix), "/")
		if f.IsDir || !ok || workspace == "" {
			continue
		}
		switch file {
		case tfStateFile:
			states[workspace] = f.Key
		case tfLockFile:
			locks[workspace] = f
		}
	}
	names := make([]string, 0, len(states))
	for name := range states {
		names = append(names, name)
	}
	slices.Sort(names)
	out := make([]Stack, len(names))
	found := make([]bool, len(names))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(readers)
	for i, name := range names {
		g.Go(func() error {
			s, err := b.readWorkspace(gctx, name, states[name])
			if gcerrors.Code(err) == gcerrors.NotFound {
				return nil // deleted since the listing
			}
			if err != nil {
				return err
			}
			if f := locks[name]; f != nil {
				l, held, err := b.readTerraformLock(gctx, f.Key, f)
				if err != nil {
					return err
				}
				if held {
					s.Locks = []Lock{l}
				}
			}
			out[i], found[i] = s, true
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	kept := out[:0]
	for i, s := range out {
		if found[i] {
			kept = append(kept, s)
		}
	}
	return kept, nil
}

// Workspace returns one workspace of the project, without its lock, or an
// error matching ErrNoStack if it has no state.
func (b *TerraformBackend) Workspace(ctx context.Context, project, name string) (Stack, error) {
	s, err := b.readWorkspace(ctx, name, workspaceKey(project, name, tfStateFile))
	if gcerrors.Code(err) == gcerrors.NotFound {
		return Stack{}, fmt.Errorf("workspace %s of project %s in %s: %w", name, project, b, ErrNoStack)
	}
	return s, err
}

// readWorkspace reads and parses one state file; a missing one is
// returned as gocloud's NotFound.
func (b *TerraformBackend) readWorkspace(ctx context.Context, name, key string) (Stack, error) {
	r, err := b.bucket.NewReader(ctx, key, nil)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return Stack{}, err
	}
	if err != nil {
		return Stack{}, &ReadError{URL: b.url(key), Err: err}
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return Stack{}, &ReadError{URL: b.url(key), Err: err}
	}
	s, err := parseTerraformState(name, data)
	if err != nil {
		return Stack{}, &ReadError{URL: b.url(key), Err: fmt.Errorf("not Terraform state (%v): restore it from a backup, or delete the workspace", err)}
	}
	s.LastUpdate = r.ModTime()
	return s, nil
}

// url names key as messages do: the backend's root and the key.
func (b *TerraformBackend) url(key string) string {
	return strings.TrimSuffix(b.loc.base, "/") + "/" + key
}
