// Package cli holds prenv's cobra commands. It is one of the two places
// (with actions) that read flags and the process environment; everything
// below it takes explicit options.
package cli
