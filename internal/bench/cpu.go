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

// parseCPUTime reads utime and stime, the 14th and 15th fields of a
// /proc/<pid>/stat line, counted after the command name, which may hold
// spaces and parentheses.
func parseCPUTime(stat string) (time.Duration, bool) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	fields := strings.Fields(stat[i+1:]) // from the 3rd field on
	if len(fields) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * time.Second / userHZ, true
}
