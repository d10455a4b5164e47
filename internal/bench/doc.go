// Command bench measures prenv against plain pulumi, side by side in one
// run, and prints each figure as
//
//	bench: <name> <value> <unit> (goal <op> <value>)
//
// so runs can be compared. `make bench` runs it after building prenv and
// the pulumi CLI. It never asserts: the figures are for people to read.
package main
