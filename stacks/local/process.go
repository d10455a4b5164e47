package local

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/prenv/prenv/internal/proc"
	"github.com/prenv/prenv/stacks"
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
	started, _ := proc.StartTime(pid)
	go func() { _ = cmd.Wait() }() // reap it if it dies while we are still here
	return pid, started, nil
}

// stopGroup stops pid's process group: SIGTERM, then SIGKILL after grace.
func stopGroup(pid int, started uint64, grace time.Duration) {
	if !proc.Alive(pid, started) {
		return
	}
	pgid, err := syscall.Getpgid(pid)
	if err != nil || pgid <= 1 || pgid == syscall.Getpgrp() {
		return // never our own group: services run in sessions of their own
	}
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if !proc.Alive(pid, started) {
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

// inheritedEnv is this process's environment without prenv's secrets and
// the Action's inputs (stacks.InheritedEnv).
func inheritedEnv() []string { return stacks.InheritedEnv(os.Environ()) }
