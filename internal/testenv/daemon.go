package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
)

// daemon starts a server that lives as long as the test binary, its output
// in logPath. It is killed with the binary: Pdeathsig follows the thread
// that started it, which stays locked and alive until the server exits.
// exited is closed when the server exits.
func daemon(name, logPath, binary string, args ...string) (exited <-chan struct{}, err error) {
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(binary, args...)
	cmd.Stdout, cmd.Stderr = log, log
	exited, err = startTiedToBinary(cmd, func() { log.Close() })
	if err != nil {
		log.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	return exited, nil
}

// startTiedToBinary starts cmd in a process group of its own, killed with
// the test binary: Pdeathsig follows the thread that started it, which
// stays locked and alive until cmd exits. Then onExit runs and exited is
// closed.
func startTiedToBinary(cmd *exec.Cmd, onExit func()) (exited <-chan struct{}, err error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	started := make(chan error, 1)
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait()
		onExit()
		close(done)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return done, nil
}

// binaryDir makes a directory for this test binary's servers, named for
// its pid, and removes those of earlier test binaries that have exited:
// their servers died with them, and nothing else removes their data.
func binaryDir(prefix string) (string, error) {
	stale, _ := filepath.Glob(filepath.Join(os.TempDir(), prefix+"-*"))
	for _, dir := range stale {
		pid, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(dir), prefix+"-"))
		if err == nil && syscall.Kill(pid, 0) == syscall.ESRCH {
			_ = os.RemoveAll(dir)
		}
	}
	dir := filepath.Join(os.TempDir(), prefix+"-"+strconv.Itoa(os.Getpid()))
	return dir, os.MkdirAll(dir, 0o700)
}

// logTail is the end of a server's log, to say why it failed.
func logTail(path string) string {
	data, _ := os.ReadFile(path)
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return string(data)
}
