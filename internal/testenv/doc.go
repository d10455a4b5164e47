// Package testenv gives tests the real things they run against: the pulumi
// CLI built by `make tools`, the prenv binary from `make build`, a
// throwaway file:// backend, and a PostgreSQL cluster of their own. A
// missing tool fails the test with the make target that installs it;
// nothing is skipped.
package testenv
