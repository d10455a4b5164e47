package reflink

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// cloneFile makes dst share src's blocks (clonefile on APFS).
func cloneFile(src, dst string, perm os.FileMode) error {
	if err := unix.Clonefile(src, dst, unix.CLONE_NOFOLLOW); err != nil {
		if errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.EXDEV) {
			return fmt.Errorf("%w: clonefile of %s: %v", ErrUnsupported, src, err)
		}
		return fmt.Errorf("clonefile of %s: %w", src, err)
	}
	return os.Chmod(dst, perm)
}

// keepAttributes gives path info's mode and modification time; clonefile
// keeps the owner.
func keepAttributes(path string, info fs.FileInfo) error {
	if info.Mode()&os.ModeSymlink != 0 {
		return nil
	}
	if err := os.Chmod(path, info.Mode().Perm()); err != nil {
		return err
	}
	return os.Chtimes(path, info.ModTime(), info.ModTime())
}

// OwnedBytes is not measured on macOS, which has no FIEMAP.
func OwnedBytes(string) (int64, error) {
	return 0, fmt.Errorf("%w: measuring unshared blocks needs Linux's FIEMAP", errors.ErrUnsupported)
}

// Filesystem names the filesystem dir is on, such as apfs, for messages.
func Filesystem(dir string) string {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return ""
	}
	return unix.ByteSliceToString(st.Fstypename[:])
}
