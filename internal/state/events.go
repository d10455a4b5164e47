package state

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
	"golang.org/x/sync/errgroup"
)

// eventsDir is where prenv keeps a project's event log, beside its run
// records: one directory per UTC day, so a reader of the last N days lists
// only those days.
func eventsDir(project string) string { return path.Join(".prenv/events", project) }

// dayLayout names an event log's day directories; they sort as they date.
const dayLayout = "2006-01-02"

// EventLog is prenv's log of operations in a state backend, one small
// object per operation under .prenv/events/<project>/<yyyy-mm-dd>/, read
// and written the same way on every backend whichever engine keeps the
// state there. It stores what it is given; package events says what an
// event holds.
type EventLog struct {
	bucket *blob.Bucket
	loc    location
}

// OpenEventLog opens the event log of the backend at backendURL (file://,
// s3://, gs:// or azblob://, with the parameters Open takes). A file://
// backend's directory is created if need be, and no metadata files are
// written beside the events.
func OpenEventLog(ctx context.Context, backendURL string) (*EventLog, error) {
	loc, err := locate(backendURL)
	if err != nil {
		return nil, err
	}
	open := loc.open
	if loc.dir != "" {
		u, err := url.Parse(open)
		if err != nil {
			return nil, &URLError{URL: backendURL, Err: err}
		}
		q := u.Query()
		q.Set("metadata", "skip")
		q.Set("create_dir", "true")
		u.RawQuery = q.Encode()
		open = u.String()
	}
	bucket, err := blob.OpenBucket(ctx, open)
	if err != nil {
		return nil, &URLError{URL: backendURL, Err: err}
	}
	if loc.prefix != "" {
		bucket = blob.PrefixedBucket(bucket, loc.prefix)
	}
	return &EventLog{bucket: bucket, loc: loc}, nil
}

// Close releases the log's connections.
func (l *EventLog) Close() error { return l.bucket.Close() }

// String is the backend's root, without credentials or parameters.
func (l *EventLog) String() string { return l.loc.base }

// StoredEvent is one event as the log keeps it.
type StoredEvent struct {
	Key  string // under the backend's root
	Data []byte
}

// Append stores data as an event of project that started at start, under
// <day>/<time>-<name>-<random>.json, and returns its key. name says what
// the event is (such as pr-42-up) and must be a path segment.
func (l *EventLog) Append(ctx context.Context, project string, start time.Time, name string, data []byte) (string, error) {
	if name == "" || strings.ContainsAny(name, "/\\") {
		return "", fmt.Errorf("event name %q is not one path segment", name)
	}
	suffix := make([]byte, 4)
	if _, err := rand.Read(suffix); err != nil {
		return "", err
	}
	start = start.UTC()
	key := path.Join(eventsDir(project), start.Format(dayLayout),
		fmt.Sprintf("%s-%s-%s.json", start.Format("150405.000000"), name, hex.EncodeToString(suffix)))
	if err := l.bucket.WriteAll(ctx, key, data, &blob.WriterOptions{ContentType: "application/json"}); err != nil {
		return "", &WriteError{URL: l.url(key), Err: err}
	}
	return key, nil
}

// Since returns project's events of the UTC days from since's to now,
// sorted by key (the order they started in): one listing of the days, one
// per day in range, and one read per event, a few at a time.
func (l *EventLog) Since(ctx context.Context, project string, since time.Time) ([]StoredEvent, error) {
	root := eventsDir(project) + "/"
	days, err := list(ctx, l.bucket, root, "/", l.url)
	if err != nil {
		return nil, err
	}
	first := since.UTC().Format(dayLayout)
	var keys []string
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(readers)
	for _, d := range days {
		day := strings.TrimSuffix(strings.TrimPrefix(d.Key, root), "/")
		if !d.IsDir || day < first {
			continue
		}
		g.Go(func() error {
			files, err := list(gctx, l.bucket, d.Key, "", l.url)
			mu.Lock()
			defer mu.Unlock()
			for _, f := range files {
				if !f.IsDir && strings.HasSuffix(f.Key, ".json") {
					keys = append(keys, f.Key)
				}
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	slices.Sort(keys)
	return l.read(ctx, keys)
}

// read reads the events at keys, in their order, a few at a time. One
// gone since the listing is left out.
func (l *EventLog) read(ctx context.Context, keys []string) ([]StoredEvent, error) {
	out := make([]StoredEvent, len(keys))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(readers)
	for i, key := range keys {
		g.Go(func() error {
			data, err := l.bucket.ReadAll(gctx, key)
			switch {
			case gcerrors.Code(err) == gcerrors.NotFound:
				return nil
			case err != nil:
				return &ReadError{URL: l.url(key), Err: err}
			}
			out[i] = StoredEvent{Key: key, Data: data}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(out, func(e StoredEvent) bool { return e.Key == "" }), nil
}

// url names key as the backend's root and the key.
func (l *EventLog) url(key string) string {
	return strings.TrimSuffix(l.loc.base, "/") + "/" + key
}
