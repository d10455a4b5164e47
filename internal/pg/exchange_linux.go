package pg

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// exchange swaps directories a and b in one step (renameat2
// RENAME_EXCHANGE), or in three renames where the filesystem cannot.
func exchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP) {
		return exchangeByRenames(a, b)
	}
	return err
}

func exchangeByRenames(a, b string) error {
	tmp := b + ".exchange"
	if err := os.Rename(b, tmp); err != nil {
		return err
	}
	if err := os.Rename(a, b); err != nil {
		return errors.Join(err, os.Rename(tmp, b))
	}
	return os.Rename(tmp, a)
}
