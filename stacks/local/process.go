package local

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// startDetached starts command through /bin/sh in a session of its own,
// writing to logPath, so it outlives the provider and can be stopped as a
// group. It returns the process id and its start time, which tells the
// process apart from a later one that reuses its pid.
func startDetached(command, dir string, env []string, logPath string) (int, uint64, error) {
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return 0, 0, err
	}
	defer log.Close()
	fmt.Fprintf(log, "--- prenv: starting at %s: %s\n", time.Now().UTC().Format(time.RFC3339), command)
	cmd := exec.Command("/bin/sh", "-c", command)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return 0, 0, fmt.Errorf("start %q: %w", command, err)
	}
	pid := cmd.Process.Pid
	started, _ := startTime(pid)
	go func() { _ = cmd.Wait() }() // reap it if it dies while we are still here
	return pid, started, nil
}

// running reports whether pid is alive, not a zombie, and the same
// process that started at started.
func running(pid int, started uint64) bool {
	if pid <= 0 {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	fields, ok := statFields(string(stat))
	if !ok || fields[0] == "Z" {
		return false
	}
	st, err := strconv.ParseUint(fields[19], 10, 64)
	return err == nil && (started == 0 || st == started)
}

// startTime is the process's start time in clock ticks since boot.
func startTime(pid int) (uint64, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	fields, ok := statFields(string(stat))
	if !ok {
		return 0, errors.New("unreadable /proc stat")
	}
	return strconv.ParseUint(fields[19], 10, 64)
}

// statFields splits /proc/<pid>/stat after the command name, so field 0
// is the state and field 19 the start time.
func statFields(stat string) ([]string, bool) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return nil, false
	}
	f := strings.Fields(stat[i+1:])
	return f, len(f) > 19
}

// stopGroup stops pid's process group: SIGTERM, then SIGKILL after grace.
func stopGroup(pid int, started uint64, grace time.Duration) {
	if !running(pid, started) {
		return
	}
	pgid, err := syscall.Getpgid(pid)
	if err != nil || pgid <= 1 || pgid == syscall.Getpgrp() {
		return // never our own group: services run in sessions of their own
	}
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if !running(pid, started) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}

// tail returns the last n lines of the file at path.
func tail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	var lines []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		if strings.TrimSpace(s.Text()) == "" {
			continue // a blank line would end the error's block in pulumi's output
		}
		lines = append(lines, s.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return strings.Join(lines, "\n")
}

// serviceMarker is the variable that names, in every service process's
// environment, which service of which environment it is.
const serviceMarker = "PRENV_SERVICE"

// processesWithEnv returns the live processes whose environment holds the
// exact entry kv ("NAME=value").
func processesWithEnv(kv string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		environ, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err != nil {
			continue
		}
		for _, entry := range strings.Split(string(environ), "\x00") {
			if entry == kv && running(pid, 0) {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids
}
