package proc

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// Alive reports whether pid is a live process, not a zombie, and, when
// started is not 0, the same process that StartTime reported as started.
func Alive(pid int, started uint64) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil && err != syscall.EPERM {
		return false
	}
	fields, err := stat(pid)
	if err != nil {
		return started == 0 // no procfs entry to check: trust kill
	}
	if fields[0] == "Z" { // exited; only its parent has yet to reap it
		return false
	}
	st, err := strconv.ParseUint(fields[19], 10, 64)
	return started == 0 || (err == nil && st == started)
}

// StartTime is pid's start time in clock ticks since boot.
func StartTime(pid int) (uint64, error) {
	fields, err := stat(pid)
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(fields[19], 10, 64)
}

// stat splits /proc/<pid>/stat after the command name, so field 0 is the
// state and field 19 the start time.
func stat(pid int) ([]string, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, err
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil, errors.New("unreadable /proc stat")
	}
	f := strings.Fields(s[i+1:])
	if len(f) <= 19 {
		return nil, errors.New("short /proc stat")
	}
	return f, nil
}

// WithEnv returns the live processes with an environment entry
// ("NAME=value") for which match is true.
func WithEnv(match func(entry string) bool) []int {
	return matching("environ", func(environ string) bool {
		return slices.ContainsFunc(strings.Split(environ, "\x00"), match)
	})
}

// WithArgs returns the live processes whose command line holds args, in
// order and side by side, such as "--routes", dir.
func WithArgs(args ...string) []int {
	needle := "\x00" + strings.Join(args, "\x00") + "\x00"
	return matching("cmdline", func(cmdline string) bool {
		return strings.Contains("\x00"+cmdline, needle)
	})
}

// matching returns the live processes whose /proc/<pid>/<file> is readable
// and satisfies match.
func matching(file string, match func(data string) bool) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/" + file)
		if err == nil && match(string(data)) && Alive(pid, 0) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// Name is pid's command name as the kernel keeps it (/proc/<pid>/comm):
// its executable's base name, cut to 15 bytes. It is "" for a process that
// is gone.
func Name(pid int) string {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

// Named returns the live processes whose command name (see Name) is one
// of names.
func Named(names ...string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if name := Name(pid); name != "" && slices.Contains(names, name) && Alive(pid, 0) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// Getenv returns the value of pid's environment variable key, as it was
// when pid started; ok is false when pid has no such variable, or its
// environment cannot be read.
func Getenv(pid int, key string) (value string, ok bool) {
	environ, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	if err != nil {
		return "", false
	}
	for _, entry := range strings.Split(string(environ), "\x00") {
		if v, found := strings.CutPrefix(entry, key+"="); found {
			return v, true
		}
	}
	return "", false
}

// Cwd returns pid's working directory.
func Cwd(pid int) (string, error) {
	return os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
}
