package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuUse is the CPU time spent so far by this process (prenv's library:
// the transformers) and by the server's exited children (its backends and
// parallel workers, once reaped).
type cpuUse struct{ own, server time.Duration }

func (c cpuUse) sub(d cpuUse) cpuUse { return cpuUse{c.own - d.own, c.server - d.server} }

func (c cpuUse) total() time.Duration { return c.own + c.server }

// cpuNow reads the CPU time used so far; postmaster is the server's pid.
// A backend's time reaches its postmaster's children total when it exits.
func cpuNow(postmaster int) (cpuUse, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return cpuUse{}, err
	}
	own := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	server, err := childrenCPUTime(postmaster)
	if err != nil {
		return cpuUse{}, err
	}
	return cpuUse{own: own, server: server}, nil
}

// childrenOf counts the processes whose parent is pid, but autovacuum
// workers, which come and go on their own (after a large UPDATE, say).
func childrenOf(pid int) (int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone meanwhile
		}
		fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
		if len(fields) < 2 || fields[1] != strconv.Itoa(pid) {
			continue
		}
		if cmd, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline"); !strings.Contains(string(cmd), "autovacuum worker") {
			n++
		}
	}
	return n, nil
}

// childrenReaped waits until the postmaster has no more children than
// before a step: its backends have exited and been reaped, so their CPU
// time is in its children total.
func childrenReaped(postmaster, before int) error {
	for range 200 {
		n, err := childrenOf(postmaster)
		if err != nil {
			return err
		}
		if n <= before {
			return nil
		}
		time.Sleep(25 * time.Millisecond)
	}
	return fmt.Errorf("the server's backends did not exit")
}

// timedCPU runs f, timed, and returns the CPU it used too.
func timedCPU(g *benchGolden, f func() error) (result, cpuUse, error) {
	st, err := g.cluster.Status()
	if err != nil {
		return result{}, cpuUse{}, err
	}
	children, err := childrenOf(st.PID)
	if err != nil {
		return result{}, cpuUse{}, err
	}
	before, err := cpuNow(st.PID)
	if err != nil {
		return result{}, cpuUse{}, err
	}
	r := timed(f)
	if err := childrenReaped(st.PID, children); err != nil {
		return r, cpuUse{}, err
	}
	after, err := cpuNow(st.PID)
	return r, after.sub(before), err
}
