package local

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/prenv/prenv/stacks"
)

// ensureRouter starts `prenv router` in the background unless something
// already answers on its port.
func ensureRouter(ctx context.Context, s stacks.Setup, m Machine) error {
	addr, routes := m.RouterAddr(), m.RoutesDir
	if dialable(addr) {
		return checkRouter(ctx, addr, routes)
	}
	logPath := m.RouterLog()
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	cmd := exec.Command(s.Binary, "router", "--addr", addr, "--routes", routes)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the router: %w", err)
	}
	go func() { _ = cmd.Wait() }()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		if dialable(addr) {
			if s.Notices != nil {
				fmt.Fprintf(s.Notices, "prenv: started the router on %s (log %s)\n", addr, logPath)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("the router did not start on %s: see %s, or set PRENV_ROUTER_PORT to a free port", addr, logPath)
}

// checkRouter makes sure what answers on addr is prenv's router for this
// routes directory, not another program or another PRENV_HOME's router.
func checkRouter(ctx context.Context, addr, routes string) error {
	switch got, answered := ping(ctx, addr); {
	case answered && got == routes:
		return nil
	case answered && filepath.IsAbs(got):
		return fmt.Errorf("port %s serves the prenv router of %s, not of %s: stop it or set PRENV_ROUTER_PORT to another port", addr, got, routes)
	}
	return fmt.Errorf("port %s is taken by a program that is not prenv's router: free it or set PRENV_ROUTER_PORT to another port", addr)
}

func dialable(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}
