package reflink

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrUnsupported means the filesystem, or this operating system, cannot
// clone a file by sharing its blocks.
var ErrUnsupported = errors.New("the filesystem cannot share blocks between files (reflink)")

// Probe reports whether files in dir can be cloned by sharing blocks: it
// clones a small file there and removes both. A nil error means yes; an
// error wrapping ErrUnsupported says why not.
func Probe(dir string) error {
	src, err := os.CreateTemp(dir, ".reflink-probe-*")
	if err != nil {
		return fmt.Errorf("probe %s for reflinks: %w", dir, err)
	}
	defer os.Remove(src.Name())
	defer src.Close()
	if _, err := src.Write(make([]byte, 4096)); err != nil {
		return fmt.Errorf("probe %s for reflinks: %w", dir, err)
	}
	dst := src.Name() + ".clone"
	defer os.Remove(dst)
	return cloneFile(src.Name(), dst, 0o600)
}

// CopyTree copies the directory src to dst, which must not exist, sharing
// every regular file's blocks with the original. Directories, files and
// symbolic links keep their modes, owners and modification times. It
// fails, removing what it made, if any file cannot be cloned: it never
// falls back to copying data.
func CopyTree(src, dst string) error {
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("copy %s to %s: the destination exists", src, dst)
	}
	if err := copyTree(src, dst); err != nil {
		_ = os.RemoveAll(dst)
		return fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	return nil
}

func copyTree(src, dst string) error {
	info, err := os.Lstat(src)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s is not a directory", src)
	}
	if err := os.Mkdir(dst, info.Mode().Perm()); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		from, to := filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())
		fi, err := e.Info()
		if err != nil {
			return err
		}
		switch {
		case fi.IsDir():
			err = copyTree(from, to)
		case fi.Mode()&os.ModeSymlink != 0:
			err = copySymlink(from, to)
		case fi.Mode().IsRegular():
			err = cloneFile(from, to, fi.Mode().Perm())
		default:
			continue // sockets and pipes are a running server's, not data
		}
		if err != nil {
			return err
		}
		if err := keepAttributes(to, fi); err != nil {
			return err
		}
	}
	return keepAttributes(dst, info)
}

func copySymlink(from, to string) error {
	target, err := os.Readlink(from)
	if err != nil {
		return err
	}
	return os.Symlink(target, to)
}
