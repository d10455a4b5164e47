// Package anonymize rewrites the personal data in a PostgreSQL database so
// that no raw value reaches a preview environment.
//
// Rules map table.column to a transformer (keyed hash, fake email, partial
// mask, noise, ...). Transformers are deterministic: the same input and salt
// give the same output in every table and every run, so joins on
// anonymised columns still match. A column that looks personal but has no
// rule fails the run (fail closed) unless it is allowed.
//
// The engine rewrites one table per transaction: it streams the table out
// with COPY, transforms rows in parallel workers, and streams them back in,
// so an interrupted run leaves each table fully old or fully new. As a
// superuser it loads a new table while it reads the old one and swaps
// their files in the catalog (swap.go); otherwise it reloads the table in
// place, its keys dropped and added back (table.go). Scope
// finds, with the real PostgreSQL parser, the tables a set of migrations
// touches and the columns it writes, failing closed on any statement it
// cannot attribute; a PR's run then rewrites only those columns, by a
// column pass that updates only the values that change (outputs met again
// are fixed points, name and noise by a mark).
package anonymize
