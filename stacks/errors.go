package stacks

import (
	"errors"
	"fmt"
	"strings"
)

// FieldError is one mistake in a blueprint, located by file, line and field.
type FieldError struct {
	File  string
	Line  int
	Field string // e.g. services[1].port
	Msg   string // what is wrong and what is allowed
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Field, e.Msg)
}

// BlueprintError holds every problem found in one blueprint. Its message
// has one line per problem.
type BlueprintError struct {
	Path string
	Errs []error
}

func (e *BlueprintError) Error() string {
	lines := make([]string, len(e.Errs))
	for i, err := range e.Errs {
		lines[i] = err.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the individual problems.
func (e *BlueprintError) Unwrap() []error { return e.Errs }

func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// parentPath returns the path one level up: services[0].port → services[0].
func parentPath(p string) string {
	if i := strings.LastIndexAny(p, ".["); i >= 0 {
		return p[:i]
	}
	return ""
}

func displayPath(p string) string {
	if p == "" {
		return "(top level)"
	}
	return p
}

func joinOr(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// InputError marks a mistake in what the user gave prenv (a flag, the
// blueprint, an environment variable), as opposed to a failure of the
// machine or the cloud: the CLI exits with its usage code on it.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// Input marks err as an InputError; nil stays nil.
func Input(err error) error {
	if err == nil {
		return nil
	}
	return &InputError{Err: err}
}

// IsInput reports whether err is, or wraps, an InputError.
func IsInput(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}
