package reflink

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// cloneFile makes dst, with mode perm, share all of src's blocks (FICLONE).
func cloneFile(src, dst string, perm os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, perm)
	if err != nil {
		return err
	}
	if err := unix.IoctlFileClone(int(out.Fd()), int(in.Fd())); err != nil {
		out.Close()
		os.Remove(dst)
		if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.EXDEV) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOTTY) {
			return fmt.Errorf("%w: FICLONE of %s: %v", ErrUnsupported, src, err)
		}
		return fmt.Errorf("FICLONE of %s: %w", src, err)
	}
	return out.Close()
}

// keepAttributes gives path info's owner (when it differs from ours),
// mode and modification time.
func keepAttributes(path string, info fs.FileInfo) error {
	if st, ok := info.Sys().(*syscall.Stat_t); ok && (int(st.Uid) != os.Geteuid() || int(st.Gid) != os.Getegid()) {
		if err := os.Lchown(path, int(st.Uid), int(st.Gid)); err != nil {
			return err
		}
	}
	if info.Mode()&os.ModeSymlink != 0 {
		return nil
	}
	if err := os.Chmod(path, info.Mode().Perm()); err != nil {
		return err
	}
	return os.Chtimes(path, info.ModTime(), info.ModTime())
}

// The FIEMAP ioctl (linux/fiemap.h), which x/sys/unix does not define.
const (
	fsIocFiemap        = 0xC020660B // _IOWR('f', 11, struct fiemap)
	fiemapFlagSync     = 0x1
	fiemapExtentLast   = 0x1
	fiemapExtentShared = 0x2000
	fiemapBatch        = 64
)

type fiemap struct {
	start, length         uint64
	flags, mappedExtents  uint32
	extentCount, reserved uint32
}

type fiemapExtent struct {
	logical, physical, length uint64
	reserved64                [2]uint64
	flags                     uint32
	reserved                  [3]uint32
}

// OwnedBytes sums the data of the regular files under dir that no other
// file shares: what a copy made with CopyTree has written since. Space
// reserved past a file's end (XFS's speculative preallocation, freed when
// the file is closed) is not data and is left out. A file whose filesystem
// cannot say (no FIEMAP) counts whole.
func OwnedBytes(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // a running server's file, gone while we walk
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		n, err := ownedInFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		total += n
		return err
	})
	return total, err
}

// ownedInFile sums the lengths of path's extents that are not shared.
func ownedInFile(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	size := uint64(info.Size())
	var buf struct {
		head    fiemap
		extents [fiemapBatch]fiemapExtent
	}
	var owned int64
	for start := uint64(0); ; {
		buf.head = fiemap{start: start, length: ^uint64(0) - start, flags: fiemapFlagSync, extentCount: fiemapBatch}
		if _, _, errno := unix.Syscall(unix.SYS_IOCTL, f.Fd(), fsIocFiemap, uintptr(unsafe.Pointer(&buf))); errno != 0 {
			if errno == unix.EOPNOTSUPP || errno == unix.ENOTTY {
				return info.Size(), nil
			}
			return 0, fmt.Errorf("FIEMAP of %s: %w", path, errno)
		}
		n := int(buf.head.mappedExtents)
		if n == 0 {
			return owned, nil
		}
		for _, e := range buf.extents[:n] {
			if e.flags&fiemapExtentShared == 0 && e.logical < size {
				owned += int64(min(e.logical+e.length, size) - e.logical)
			}
			if e.flags&fiemapExtentLast != 0 {
				return owned, nil
			}
		}
		last := buf.extents[n-1]
		start = last.logical + last.length
	}
}

// filesystems names the filesystems Filesystem recognises by magic number.
var filesystems = map[int64]string{
	unix.XFS_SUPER_MAGIC:       "xfs",
	unix.BTRFS_SUPER_MAGIC:     "btrfs",
	unix.EXT4_SUPER_MAGIC:      "ext4",
	unix.TMPFS_MAGIC:           "tmpfs",
	unix.OVERLAYFS_SUPER_MAGIC: "overlay",
	unix.NFS_SUPER_MAGIC:       "nfs",
	0x2fc12fc1:                 "zfs",
}

// Filesystem names the filesystem dir is on, such as xfs or ext4, for
// messages; "" when it cannot tell.
func Filesystem(dir string) string {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return ""
	}
	if name, ok := filesystems[int64(st.Type)]; ok {
		return name
	}
	return fmt.Sprintf("filesystem 0x%x", st.Type)
}
