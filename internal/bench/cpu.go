package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// cpuUse is the CPU time spent so far by this process (prenv's library:
// the transformers) and by the server's exited children (its backends and
// parallel workers).
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
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", postmaster))
	if err != nil {
		return cpuUse{}, err
	}
	// The fields after the command's closing parenthesis: cutime and
	// cstime are the 14th and 15th, in clock ticks (100 a second on Linux).
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	if len(fields) < 15 {
		return cpuUse{}, fmt.Errorf("short /proc/%d/stat", postmaster)
	}
	var ticks int64
	for _, f := range fields[13:15] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return cpuUse{}, err
		}
		ticks += n
	}
	return cpuUse{own: own, server: time.Duration(ticks) * 10 * time.Millisecond}, nil
}

// backendsGone waits until no session is connected to db, so that their
// CPU time has reached the postmaster's children total.
func backendsGone(ctx context.Context, admin *pgx.Conn, db string) error {
	for range 100 {
		var n int
		if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE datname = $1", db).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("sessions on %s did not end", db)
}

// timedCPU runs f on db, timed, and returns the CPU it used too.
func timedCPU(ctx context.Context, g *benchGolden, db string, f func() error) (result, cpuUse, error) {
	st, err := g.cluster.Status()
	if err != nil {
		return result{}, cpuUse{}, err
	}
	before, err := cpuNow(st.PID)
	if err != nil {
		return result{}, cpuUse{}, err
	}
	r := timed(f)
	if err := backendsGone(ctx, g.admin, db); err != nil {
		return r, cpuUse{}, err
	}
	after, err := cpuNow(st.PID)
	return r, after.sub(before), err
}
