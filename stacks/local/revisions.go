package local

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/prenv/prenv/stacks"
)

// revisions fingerprints each service's source files (those its paths
// globs match among the files git tracks or would track) in the checkout
// that holds the blueprint, so up restarts exactly the services whose
// code changed. Outside a git checkout there are no revisions.
func revisions(ctx context.Context, bp *stacks.Blueprint) (map[string]string, error) {
	rootCmd := exec.CommandContext(ctx, "git", "rev-parse", "--show-toplevel")
	rootCmd.Dir = bp.AbsDir()
	out, err := rootCmd.Output()
	if err != nil {
		return nil, nil //nolint:nilerr // not a checkout: services restart only when their config changes
	}
	root := string(bytes.TrimSpace(out))
	ls := exec.CommandContext(ctx, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	ls.Dir = root
	listing, err := ls.Output()
	if err != nil {
		return nil, fmt.Errorf("list the files of %s: %w", root, err)
	}
	files := bytes.Split(bytes.TrimRight(listing, "\x00"), []byte{0})
	revs := map[string]string{}
	for _, s := range bp.Services {
		if len(s.Paths) == 0 {
			continue
		}
		h := sha256.New()
		for _, f := range files {
			name := string(f)
			if !s.Owns(name) {
				continue
			}
			fmt.Fprintf(h, "%s\x00", name)
			if err := hashFile(h, filepath.Join(root, name)); err != nil {
				return nil, err
			}
		}
		revs[s.Name] = hex.EncodeToString(h.Sum(nil))[:16]
	}
	return revs, nil
}

func hashFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil // deleted in the working tree but still in the index
	}
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// migrationsRevision fingerprints the blueprint's migration files.
func migrationsRevision(bp *stacks.Blueprint) (string, error) {
	if bp.Database.Migrations == "" {
		return "", nil
	}
	paths, err := filepath.Glob(filepath.Join(bp.Resolve(bp.Database.Migrations), "*.sql"))
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, p := range paths { // Glob sorts
		fmt.Fprintf(h, "%s\x00", filepath.Base(p))
		if err := hashFile(h, p); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}
