// Package reflink copies files and directory trees in O(1) on filesystems
// that share blocks between files (XFS with reflink, btrfs, APFS): a copy
// costs metadata, not data, and the two diverge block by block as either
// is written. It also probes whether a directory's filesystem can, and
// measures how much of a tree's data no other file shares.
//
//	if err := reflink.Probe(dir); err != nil {
//		// copy the ordinary way
//	}
//	err := reflink.CopyTree("golden/data", "pr-7/data")
//	owned, err := reflink.OwnedBytes("pr-7/data") // what pr-7's writes cost
package reflink
