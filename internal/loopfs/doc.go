// Package loopfs mounts a filesystem of a chosen kind from an image file
// on a loop device, for tests and benchmarks that need a real XFS with
// reflinks (or a real ext4) on a machine whose disks are something else.
// It needs root. Unmount detaches the loop device and removes the image;
// SweepStale does the same for mounts whose process died without it.
//
//	fs, err := loopfs.Mount(ctx, loopfs.XFS, 2<<30)
//	defer fs.Unmount()
//	// fs.Dir is the mount point
package loopfs
