package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// attrsExt is the suffix of the sidecar in which a file:// backend keeps a
// file's attributes (content type, MD5), as gocloud's fileblob names it.
const attrsExt = ".attrs"

// repairSidecar removes the attributes sidecar of key on a file:// backend
// when it is cut short, and says so. gocloud's fileblob truncates and
// rewrites the sidecar in place before it renames the new file over the
// old one, so a writer killed between the two leaves an empty sidecar for
// good, and every read of the file, pulumi's included, fails with EOF.
// The sidecar holds nothing the engines need, and fileblob reads a file
// without one as plain bytes: removing it makes the file readable again,
// at its last complete version. Other backends have no sidecar.
func (b *Backend) repairSidecar(key string) (string, error) {
	if b.loc.dir == "" {
		return "", nil
	}
	sidecar := filepath.Join(b.loc.dir, filepath.FromSlash(key)) + attrsExt
	data, err := os.ReadFile(sidecar)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", &ReadError{URL: b.url(key + attrsExt), Err: err}
	}
	if json.Valid(data) {
		return "", nil
	}
	if err := os.Remove(sidecar); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", &WriteError{URL: b.url(key + attrsExt), Err: err}
	}
	return fmt.Sprintf("removed %s, the attributes sidecar that an interrupted write left cut short (%d bytes)", b.url(key+attrsExt), len(data)), nil
}
