package stub

import (
	"fmt"
	"strings"
)

// MappingError is a mapping prenv refuses, located by file and field.
type MappingError struct {
	File  string // the mapping file, under the directory Load was given
	Field string // e.g. request.headers.Accept.absent
	Msg   string // what is wrong and what to do instead
}

func (e *MappingError) Error() string {
	if e.Field == "" {
		return e.File + ": " + e.Msg
	}
	return fmt.Sprintf("%s: %s: %s", e.File, e.Field, e.Msg)
}

// LoadError holds every problem Load found in one directory, one a line.
type LoadError struct {
	Dir  string
	Errs []error
}

func (e *LoadError) Error() string {
	lines := make([]string, len(e.Errs))
	for i, err := range e.Errs {
		lines[i] = err.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the individual problems.
func (e *LoadError) Unwrap() []error { return e.Errs }
