package state

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
	"golang.org/x/sync/errgroup"
)

// stacksDir holds one directory of stack files per project.
const stacksDir = ".pulumi/stacks"

// readers is how many stack files Stacks reads at once.
const readers = 8

// Stack is what a stack's state file says of it.
type Stack struct {
	Name          string
	LastUpdate    time.Time // when the last update ended; zero if none did
	ResourceCount int
	// CreatedAt, ExpiresAt and Repo are prenv's lifetime outputs
	// (automation.OutputCreatedAt, ...); zero when the stack has none.
	CreatedAt, ExpiresAt time.Time
	Repo                 string
	Members              []string // a PR group's member environments (automation.OutputMembers)
	URL                  string   // the stack's url output, if any
	Salt                 string   // the passphrase secrets provider's salt, if any
	Pending              []string // "<op> <resource>" of each operation an interrupted update left
	// Repaired says what reading the stack repaired, if anything: a
	// cut-short sidecar that a killed write left (repairSidecar).
	Repaired []string
	// SecretsProvider is the key's URL (awskms://...) of a stack whose
	// secrets a key service encrypts, and EncryptedKey the data key it
	// encrypted, base64-encoded as a stack's settings hold it; both are
	// empty for the passphrase.
	SecretsProvider, EncryptedKey string
	// Locks are the stack's lock files. Stacks fills them; Stack does not.
	Locks []Lock
}

// Stacks returns the project's stacks, sorted by name, with their locks:
// two listings and one read per stack, whatever their number.
func (b *Backend) Stacks(ctx context.Context, project string) ([]Stack, error) {
	files, err := b.list(ctx, path.Join(stacksDir, project)+"/", "/")
	if err != nil {
		return nil, err
	}
	newest := map[string]*blob.ListObject{}
	for _, f := range files {
		name, ok := stackFileName(path.Base(f.Key))
		if !ok || f.IsDir {
			continue
		}
		// pulumi keeps the newest when .json and .json.gz both exist.
		if cur, ok := newest[name]; !ok || !f.ModTime.Before(cur.ModTime) {
			newest[name] = f
		}
	}
	locks, err := b.projectLocks(ctx, project)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(newest))
	for name := range newest {
		names = append(names, name)
	}
	slices.Sort(names)
	stacks := make([]Stack, len(names))
	found := make([]bool, len(names))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(readers)
	for i, name := range names {
		g.Go(func() error {
			s, err := b.readStack(gctx, name, newest[name].Key)
			if gcerrors.Code(err) == gcerrors.NotFound {
				return nil // removed since the listing
			}
			if err != nil {
				return err
			}
			s.Locks = locks[name]
			stacks[i], found[i] = s, true
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := stacks[:0]
	for i, s := range stacks {
		if found[i] {
			out = append(out, s)
		}
	}
	return out, nil
}

// Stack returns one stack of the project, without its locks, or an error
// matching ErrNoStack if it has no state file.
func (b *Backend) Stack(ctx context.Context, project, name string) (Stack, error) {
	base := path.Join(stacksDir, project, name) + ".json"
	files, err := b.list(ctx, base, "")
	if err != nil {
		return Stack{}, err
	}
	var newest *blob.ListObject
	for _, f := range files {
		if n, ok := stackFileName(path.Base(f.Key)); ok && n == name && path.Dir(f.Key) == path.Dir(base) &&
			(newest == nil || !f.ModTime.Before(newest.ModTime)) {
			newest = f
		}
	}
	if newest == nil {
		return Stack{}, fmt.Errorf("stack %s of project %s in %s: %w", name, project, b, ErrNoStack)
	}
	s, err := b.readStack(ctx, name, newest.Key)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return Stack{}, fmt.Errorf("stack %s of project %s in %s: %w", name, project, b, ErrNoStack)
	}
	return s, err
}

// readStack reads and parses one stack file. A missing file is returned
// as gocloud's NotFound.
//
// A file backend writes a stack file and its .attrs sidecar in two steps,
// so a read between them can find either cut short (the file, or the
// sidecar that the read opens first): such a read is tried again a few
// times before it is an error. A sidecar still cut short then was left by
// a killed writer, and is repaired once (repairSidecar).
func (b *Backend) readStack(ctx context.Context, name, key string) (Stack, error) {
	var repaired []string
	for attempt := 1; ; attempt++ {
		data, err := b.bucket.ReadAll(ctx, key)
		if gcerrors.Code(err) == gcerrors.NotFound {
			return Stack{}, err
		}
		var s Stack
		if err == nil {
			if s, err = parseCheckpoint(name, data); err == nil {
				s.Repaired = repaired
				return s, nil
			}
		}
		if attempt >= 5 && cutShort(err) && repaired == nil {
			done, rerr := b.repairSidecar(key)
			if rerr != nil {
				return Stack{}, rerr
			}
			if done != "" {
				repaired = []string{done}
				continue
			}
		}
		if attempt >= 5 || !cutShort(err) {
			return Stack{}, &ReadError{URL: b.url(key), Err: err}
		}
		select {
		case <-ctx.Done():
			return Stack{}, ctx.Err()
		case <-time.After(time.Duration(attempt) * 100 * time.Millisecond):
		}
	}
}

// cutShort reports whether parsing failed because the data ended early.
func cutShort(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || err.Error() == "EOF" ||
		strings.Contains(err.Error(), "unexpected end of JSON input")
}

// stackFileName returns the stack a file of a project's stack directory
// holds: <stack>.json, optionally .gz or .zst compressed. Anything else
// (a .bak, a .tmp being written) holds none.
func stackFileName(file string) (string, bool) {
	for _, compressed := range []string{".gz", ".zst"} {
		if plain, ok := strings.CutSuffix(file, compressed); ok {
			file = plain
			break
		}
	}
	name, ok := strings.CutSuffix(file, ".json")
	return name, ok && name != ""
}
