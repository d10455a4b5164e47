//go:build !linux

package pg

import (
	"errors"
	"os"
)

// exchange swaps directories a and b in three renames.
func exchange(a, b string) error {
	tmp := b + ".exchange"
	if err := os.Rename(b, tmp); err != nil {
		return err
	}
	if err := os.Rename(a, b); err != nil {
		return errors.Join(err, os.Rename(tmp, b))
	}
	return os.Rename(tmp, a)
}
