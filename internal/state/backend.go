package state

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/azureblob" // azblob://
	_ "gocloud.dev/blob/fileblob"  // file://
	_ "gocloud.dev/blob/gcsblob"   // gs://
	_ "gocloud.dev/blob/s3blob"    // s3://
	"gocloud.dev/gcerrors"
	"gopkg.in/yaml.v3"
)

// Backend is the state of one Pulumi diy backend, read through gocloud's
// blob drivers as the pulumi CLI reads it.
type Backend struct {
	bucket *blob.Bucket
	loc    location
}

// Open opens the backend at backendURL (file://, s3://, gs:// or azblob://,
// with the query parameters pulumi accepts) and checks that it keeps its
// stacks by project, as every backend pulumi creates now does.
// Credentials come from each cloud's default chain, as for pulumi: the
// AWS_*, GOOGLE_APPLICATION_CREDENTIALS or AZURE_* environment, or files.
func Open(ctx context.Context, backendURL string) (*Backend, error) {
	loc, err := locate(backendURL)
	if err != nil {
		return nil, err
	}
	bucket, err := blob.OpenBucket(ctx, loc.open)
	if err != nil {
		return nil, &URLError{URL: backendURL, Err: err}
	}
	if loc.prefix != "" {
		bucket = blob.PrefixedBucket(bucket, loc.prefix)
	}
	b := &Backend{bucket: bucket, loc: loc}
	legacy, err := b.legacyLayout(ctx)
	if err != nil {
		bucket.Close()
		return nil, err
	}
	if legacy {
		bucket.Close()
		return nil, fmt.Errorf("backend %s: %w", loc.base, ErrLegacyLayout)
	}
	return b, nil
}

// Close releases the backend's connections.
func (b *Backend) Close() error { return b.bucket.Close() }

// String is the backend's root, without credentials or parameters.
func (b *Backend) String() string { return b.loc.base }

// legacyLayout tells the layout as pulumi does: .pulumi/meta.yaml's
// version, or for a backend without one, whether any stack file sits
// directly in .pulumi/stacks.
func (b *Backend) legacyLayout(ctx context.Context) (bool, error) {
	data, err := b.bucket.ReadAll(ctx, ".pulumi/meta.yaml")
	switch {
	case err == nil:
		var meta struct {
			Version *int `yaml:"version"`
		}
		if err := yaml.Unmarshal(data, &meta); err != nil || meta.Version == nil {
			return false, &ReadError{URL: b.url(".pulumi/meta.yaml"), Err: fmt.Errorf("no version: %v", err)}
		}
		return *meta.Version == 0, nil
	case gcerrors.Code(err) != gcerrors.NotFound:
		return false, &ReadError{URL: b.url(".pulumi/meta.yaml"), Err: err}
	}
	files, err := b.list(ctx, stacksDir+"/", "/")
	if err != nil {
		return false, err
	}
	for _, f := range files {
		if _, ok := stackFileName(path.Base(f.Key)); ok && !f.IsDir {
			return true, nil
		}
	}
	return false, nil
}

// list returns the objects under prefix; with delimiter "/", one level.
func (b *Backend) list(ctx context.Context, prefix, delimiter string) ([]*blob.ListObject, error) {
	return list(ctx, b.bucket, prefix, delimiter, b.url)
}

// list returns the objects of bucket under prefix; with delimiter "/",
// one level. name says which URL an error names.
//
// A file backend lists a directory, then reads each file's attributes: a
// file renamed in between (a writer's temporary file becoming the lock or
// stack file it writes) fails the listing with NotFound, so such a
// listing is made again, a few times.
func list(ctx context.Context, bucket *blob.Bucket, prefix, delimiter string, name func(key string) string) ([]*blob.ListObject, error) {
	for attempt := 1; ; attempt++ {
		out, err := listOnce(ctx, bucket, prefix, delimiter)
		if err == nil {
			return out, nil
		}
		if attempt == 5 || gcerrors.Code(err) != gcerrors.NotFound {
			return nil, &ReadError{URL: name(prefix), Err: err}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(attempt) * 20 * time.Millisecond):
		}
	}
}

func listOnce(ctx context.Context, bucket *blob.Bucket, prefix, delimiter string) ([]*blob.ListObject, error) {
	it := bucket.List(&blob.ListOptions{Prefix: prefix, Delimiter: delimiter})
	var out []*blob.ListObject
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, obj)
	}
}

// url names key as pulumi's messages do: the backend's root and the key.
func (b *Backend) url(key string) string {
	return strings.TrimSuffix(b.loc.base, "/") + "/" + key
}

// redact drops the user and password a URL may carry.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}
