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
// Each environment's database is cloned from the golden by the method
// database.clone resolves to on this machine (Machine.ChooseClone): a
// template database copied in the shared PostgreSQL, or a thin clone, a
// reflink copy of the golden cluster's files run by a PostgreSQL of its
// own, which costs the same whatever the golden's size.
//
// What the environments share on the machine, the router and the managed
// PostgreSQL cluster, outlives them: Machine finds both, and the thin
// clones' postmasters, without starting anything, and its Status and Stop
// serve prenv local status and stop.
package local
