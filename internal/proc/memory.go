package proc

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Memory is the resident memory of pid and its children together, each
// page shared between them counted once: the sum of their proportional
// set sizes (Pss in /proc/<pid>/smaps_rollup), or of their RSS where the
// kernel has no rollup. It is what the group costs the machine.
func Memory(pid int) (int64, error) {
	total, err := memoryOf(pid)
	if err != nil {
		return 0, err
	}
	for _, child := range Children(pid) {
		if n, err := memoryOf(child); err == nil { // a child may exit meanwhile
			total += n
		}
	}
	return total, nil
}

// Children lists pid's live child processes.
func Children(pid int) []int {
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		fields, err := stat(child)
		if err == nil && fields[1] == strconv.Itoa(pid) && fields[0] != "Z" {
			out = append(out, child)
		}
	}
	return out
}

// memoryOf is one process's Pss, else its VmRSS, in bytes.
func memoryOf(pid int) (int64, error) {
	if kb, err := kilobytes(fmt.Sprintf("/proc/%d/smaps_rollup", pid), "Pss:"); err == nil {
		return kb * 1024, nil
	}
	kb, err := kilobytes(fmt.Sprintf("/proc/%d/status", pid), "VmRSS:")
	return kb * 1024, err
}

// kilobytes reads the "<key> <n> kB" line of a /proc file.
func kilobytes(path, key string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), key); ok {
			fields := strings.Fields(rest)
			if len(fields) == 0 {
				break
			}
			return strconv.ParseInt(fields[0], 10, 64)
		}
	}
	return 0, fmt.Errorf("%s has no %s line", path, key)
}
