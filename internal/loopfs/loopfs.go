package loopfs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Kind is a filesystem Mount can make.
type Kind string

const (
	// XFS is XFS with reflinks: files can share blocks.
	XFS Kind = "xfs"
	// Ext4 is ext4, which cannot share blocks between files.
	Ext4 Kind = "ext4"
)

// mkfs is the command that makes each kind on an image file.
var mkfs = map[Kind][]string{
	XFS:  {"mkfs.xfs", "-q", "-m", "reflink=1"},
	Ext4: {"mkfs.ext4", "-q", "-F"},
}

// packages name the Debian package that provides each kind's mkfs.
var packages = map[Kind]string{XFS: "xfsprogs", Ext4: "e2fsprogs"}

// mountOptions are each kind's. XFS reserves space beyond the end of a
// file that grows (speculative preallocation, as much as the file's size)
// until it is closed, which df counts: a small fixed allocsize makes df
// show what was written.
var mountOptions = map[Kind]string{XFS: "loop,allocsize=64k", Ext4: "loop"}

// FS is a mounted loop filesystem.
type FS struct {
	Dir   string // the mount point, mode 0755
	base  string // holds the image and the mount point
	image string
}

// namePrefix starts the directory of every mount this package makes,
// followed by the kind and the pid of the process that made it.
const namePrefix = "prenv-loopfs-"

// Mount makes a sparse image of size bytes in the temporary directory,
// makes a filesystem of kind on it and mounts it with `mount -o loop`.
func Mount(ctx context.Context, kind Kind, size int64) (*FS, error) {
	args, ok := mkfs[kind]
	if !ok {
		return nil, fmt.Errorf("loopfs: unknown filesystem %q", kind)
	}
	if os.Geteuid() != 0 {
		return nil, errors.New("loopfs: mounting a loop device needs root")
	}
	if _, err := exec.LookPath(args[0]); err != nil {
		return nil, fmt.Errorf("loopfs: %s not found: install %s (make test-deps does, as root)", args[0], packages[kind])
	}
	base, err := os.MkdirTemp("", fmt.Sprintf("%s%s-%d-", namePrefix, kind, os.Getpid()))
	if err != nil {
		return nil, err
	}
	f := &FS{base: base, image: filepath.Join(base, "image"), Dir: filepath.Join(base, "mnt")}
	if err := f.make(ctx, kind, args, size); err != nil {
		_ = f.Unmount()
		return nil, err
	}
	return f, nil
}

func (f *FS) make(ctx context.Context, kind Kind, mkfs []string, size int64) error {
	// The postgres user must reach directories inside the mount.
	if err := os.Chmod(f.base, 0o755); err != nil {
		return err
	}
	img, err := os.Create(f.image)
	if err != nil {
		return err
	}
	if err := img.Truncate(size); err != nil {
		img.Close()
		return err
	}
	if err := img.Close(); err != nil {
		return err
	}
	if err := run(ctx, append(mkfs, f.image)...); err != nil {
		return err
	}
	if err := os.Mkdir(f.Dir, 0o755); err != nil {
		return err
	}
	if err := run(ctx, "mount", "-o", mountOptions[kind], f.image, f.Dir); err != nil {
		return err
	}
	return os.Chmod(f.Dir, 0o755)
}

// Unmount unmounts the filesystem, detaches its loop device and removes
// the image. A mount still busy after a few tries is detached lazily.
func (f *FS) Unmount() error {
	var errs []error
	if mounted(f.Dir) {
		err := unmount(f.Dir)
		if err != nil {
			errs = append(errs, err)
		}
	}
	if err := detach(f.image); err != nil {
		errs = append(errs, err)
	}
	if err := os.RemoveAll(f.base); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// SweepStale unmounts and removes what Mount left for processes that are
// gone: a test binary killed by its timeout runs no cleanup.
func SweepStale() error {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), namePrefix+"*"))
	var errs []error
	for _, base := range dirs {
		parts := strings.Split(strings.TrimPrefix(filepath.Base(base), namePrefix), "-")
		if len(parts) < 2 {
			continue
		}
		pid, err := strconv.Atoi(parts[1])
		if err != nil {
			continue
		}
		if err := syscall.Kill(pid, 0); err == nil || errors.Is(err, syscall.EPERM) {
			continue // its process is alive
		}
		f := &FS{base: base, image: filepath.Join(base, "image"), Dir: filepath.Join(base, "mnt")}
		if err := f.Unmount(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func unmount(dir string) error {
	var err error
	for range 10 {
		if err = run(context.Background(), "umount", dir); err == nil {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	// Busy: a process still holds a file there. Detach it from the tree
	// now; the kernel finishes once the last file is closed.
	if lerr := run(context.Background(), "umount", "-l", dir); lerr != nil {
		return errors.Join(err, lerr)
	}
	return nil
}

// detach detaches any loop device still backed by image (mount -o loop
// sets autoclear, so usually none is).
func detach(image string) error {
	if _, err := os.Stat(image); err != nil {
		return nil
	}
	out, err := exec.Command("losetup", "-j", image).Output()
	if err != nil {
		return fmt.Errorf("losetup -j %s: %w", image, err)
	}
	var errs []error
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if dev, _, ok := strings.Cut(line, ":"); ok && strings.HasPrefix(dev, "/dev/loop") {
			if err := run(context.Background(), "losetup", "-d", dev); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// mounted reports whether dir is a mount point, from /proc/self/mounts.
func mounted(dir string) bool {
	f, err := os.Open("/proc/self/mounts")
	if err != nil {
		return false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if fields := strings.Fields(s.Text()); len(fields) > 1 && fields[1] == dir {
			return true
		}
	}
	return false
}

func run(ctx context.Context, args ...string) error {
	out, err := exec.CommandContext(ctx, args[0], args[1:]...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}
