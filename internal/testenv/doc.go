// Package testenv gives tests the real things they run against: the pulumi
// CLI built by `make tools`, the prenv binary from `make build`, a
// throwaway file:// backend, an s3:// bucket and a KMS key on a real S3
// and KMS protocol server (moto_server), and a PostgreSQL cluster of their
// own. Each
// helper that needs a tool skips its test under -short, which runs unit
// tests alone; without -short a missing tool fails the test with the make
// target that installs it, and nothing is skipped.
package testenv
