// Package testenv gives tests the real things they run against: the pulumi
// CLI built by `make tools`, the prenv binary from `make build`, a
// throwaway file:// backend, one moto_server per test binary (an s3://
// bucket, a KMS key, an EKS cluster, and STS answering an EKS token as
// EKS's authenticator sends it), and a PostgreSQL cluster of their own.
// Each helper that needs a tool skips its test under -short, which runs
// unit tests alone; without -short a missing tool fails the test with the
// make target that installs it, and nothing is skipped.
package testenv
