// Package atomicfile writes files so that readers see the old content or
// the new, never half of either: lock records, route files, passwords and
// ports that other processes read while prenv writes them.
//
//	err := atomicfile.Write("/home/me/.prenv/passphrase", secret, 0o600)
package atomicfile
