// Package local is the embedded-default target: a real preview environment
// on one machine, with no cloud account.
//
// Its Pulumi program clones the golden database for the environment, runs
// each service as a local process and publishes routes to the local
// router. The resources are served by prenv itself: when the binary runs
// as pulumi-resource-prenv it serves this package's provider, whose
// Create, Read, Update and Delete act on the real PostgreSQL, processes and
// route files, and whose Read notices drift.
package local
