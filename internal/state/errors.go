package state

import (
	"errors"
	"fmt"
)

// ErrNoStack is matched by errors.Is when a stack has no state file.
var ErrNoStack = errors.New("stack has no state")

// ErrLegacyLayout is matched by errors.Is when a backend keeps its stacks
// in the diy backend's layout from before projects (.pulumi/stacks/<stack>.json),
// which this package does not read.
var ErrLegacyLayout = errors.New("the backend keeps stacks in Pulumi's legacy layout, without projects: upgrade it once with `pulumi state upgrade`")

// URLError is a backend URL that cannot be opened.
type URLError struct {
	URL string
	Err error
}

func (e *URLError) Error() string { return fmt.Sprintf("backend %s: %v", redact(e.URL), e.Err) }

func (e *URLError) Unwrap() error { return e.Err }

// ReadError is a file of the backend that could not be listed, read or
// parsed. URL names it; Err says why.
type ReadError struct {
	URL string
	Err error
}

func (e *ReadError) Error() string { return fmt.Sprintf("read %s: %v", e.URL, e.Err) }

func (e *ReadError) Unwrap() error { return e.Err }

// WriteError is a file of the backend that could not be written or
// deleted. URL names it; Err says why.
type WriteError struct {
	URL string
	Err error
}

func (e *WriteError) Error() string { return fmt.Sprintf("write %s: %v", e.URL, e.Err) }

func (e *WriteError) Unwrap() error { return e.Err }
