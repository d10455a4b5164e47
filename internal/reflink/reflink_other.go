//go:build !linux && !darwin

package reflink

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

func cloneFile(src, _ string, _ os.FileMode) error {
	return fmt.Errorf("%w: not on this operating system (clone of %s)", ErrUnsupported, src)
}

func keepAttributes(string, fs.FileInfo) error { return nil }

// OwnedBytes is not measured on this operating system.
func OwnedBytes(string) (int64, error) {
	return 0, fmt.Errorf("%w: measuring unshared blocks needs Linux's FIEMAP", errors.ErrUnsupported)
}

// Filesystem cannot tell on this operating system.
func Filesystem(string) string { return "" }
