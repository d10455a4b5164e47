// Package testenv gives tests the real tools they run against: the pulumi
// CLI built by `make tools`, and a throwaway file:// backend. A missing tool
// fails the test with the make target that installs it; nothing is skipped.
package testenv
