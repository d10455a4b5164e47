package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of /proc/<pid>/stat's CPU times on Linux.
const userHZ = 100

// cpuTime is the CPU time, user and system, process pid has used so far,
// from /proc; ok is false where there is no /proc.
func cpuTime(pid int) (d time.Duration, ok bool) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	return parseCPUTime(string(stat))
}

// childrenCPUTime is the CPU time, user and system, that pid's children
// have used and pid has reaped so far, from /proc.
func childrenCPUTime(pid int) (time.Duration, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	d, ok := statTime(string(stat), 13) // cutime and cstime
	if !ok {
		return 0, fmt.Errorf("/proc/%d/stat: no cutime and cstime", pid)
	}
	return d, nil
}

// parseCPUTime reads utime and stime, the 14th and 15th fields of a
// /proc/<pid>/stat line.
func parseCPUTime(stat string) (time.Duration, bool) { return statTime(stat, 11) }

// statTime sums two clock-tick fields of a /proc/<pid>/stat line, the
// first at index i counted from the 3rd field, after the command name,
// which may hold spaces and parentheses.
func statTime(stat string, i int) (time.Duration, bool) {
	end := strings.LastIndexByte(stat, ')')
	if end < 0 {
		return 0, false
	}
	fields := strings.Fields(stat[end+1:]) // from the 3rd field on
	if len(fields) < i+2 {
		return 0, false
	}
	a, err1 := strconv.ParseInt(fields[i], 10, 64)
	b, err2 := strconv.ParseInt(fields[i+1], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(a+b) * time.Second / userHZ, true
}
