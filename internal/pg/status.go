package pg

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/prenv/prenv/internal/proc"
)

// ClusterStatus is what a managed cluster's directory says about it.
type ClusterStatus struct {
	Initialised bool      // initdb has run: data/PG_VERSION exists
	Running     bool      // its postmaster is alive
	PID         int       // the postmaster's pid, when running
	Port        int       // the port it listens on, or last listened on
	Started     time.Time // when the postmaster started, when running
	SizeBytes   int64     // the size of everything under Dir
}

// Status reads the cluster's state from its files, without starting
// anything and without the server binaries: data/postmaster.pid names a
// running server's pid, start time and port.
func (c *Cluster) Status() (ClusterStatus, error) {
	var st ClusterStatus
	if _, err := os.Stat(filepath.Join(c.dataDir(), "PG_VERSION")); err == nil {
		st.Initialised = true
	} else if !errors.Is(err, fs.ErrNotExist) {
		return st, err
	}
	st.Port, _ = c.port()
	size, err := dirSize(c.Dir)
	if err != nil {
		return st, err
	}
	st.SizeBytes = size
	data, err := os.ReadFile(filepath.Join(c.dataDir(), "postmaster.pid"))
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	// postmaster.pid: pid, data directory, start time (Unix seconds), port, ...
	lines := strings.Split(string(data), "\n")
	if len(lines) < 4 {
		return st, nil // being written by a starting server
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(lines[0]))
	if !c.isPostmaster(pid) {
		return st, nil // left by a server that crashed
	}
	st.Running, st.PID = true, pid
	if secs, err := strconv.ParseInt(strings.TrimSpace(lines[2]), 10, 64); err == nil {
		st.Started = time.Unix(secs, 0)
	}
	if port, err := strconv.Atoi(strings.TrimSpace(lines[3])); err == nil {
		st.Port = port
	}
	return st, nil
}

// isPostmaster reports whether pid is a live postgres serving this
// cluster's data directory, not a process that reused a crashed one's pid.
func (c *Cluster) isPostmaster(pid int) bool {
	if !proc.Alive(pid, 0) {
		return false
	}
	args, err := proc.Args(pid)
	if err != nil {
		return false
	}
	for i, a := range args {
		if a == "-D" && i+1 < len(args) {
			return filepath.Clean(args[i+1]) == filepath.Clean(c.dataDir())
		}
	}
	return false
}

// dirSize sums the sizes of the regular files under dir; a missing dir is
// 0, and files that vanish while it walks (a running server's) are skipped.
func dirSize(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return total, err
}
