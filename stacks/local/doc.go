// Package local is the embedded-default target: a real preview environment
// on one machine, with no cloud account.
//
// Its Pulumi program clones the golden database for the environment, runs
// each service as a local process and publishes routes to the local
// router. The resources are served by prenv itself: when the binary runs
// as pulumi-resource-prenv it serves this package's provider, whose
// Create, Read, Update and Delete act on the real PostgreSQL, processes and
// route files, and whose Read notices drift.
//
// What the environments share on the machine, the router and the managed
// PostgreSQL cluster, outlives them: Machine finds both without starting
// anything, and its Status and Stop serve prenv local status and stop.
package local
