// Command pulumirelease installs Pulumi's official release of the pinned
// pulumi CLI for `make tools`, when it can: the archive for this machine
// is downloaded, its SHA-256 checked against the one committed in
// pulumi.sha256, and its pulumi binary written to -out.
//
//	go run ./internal/tools/pulumirelease -version v3.250.0 -sums pulumi.sha256 -out bin/pulumi
//
// When the sum file has no real sum for the archive, the download fails,
// or the archive's SHA-256 is not the committed one, it installs nothing,
// prints one line saying why and that pulumi is being built from source,
// and exits 1; the Makefile then builds it from internal/tools/pulumi.
// The Dockerfile's pulumi stage makes the same check, and fails instead.
package main
