package reaper

import "errors"

// RefusedError is a reap that destroyed nothing because its plan failed a
// safety check: more stacks than the maximum, more than half as closed,
// no stack provably prenv's, or an open PR the listing missed.
type RefusedError struct{ Err error }

func (e *RefusedError) Error() string { return e.Err.Error() }
func (e *RefusedError) Unwrap() error { return e.Err }

// IsRefused reports whether err is, or wraps, a refused reap.
func IsRefused(err error) bool {
	var r *RefusedError
	return errors.As(err, &r)
}
