package cli

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/internal/router"
	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/local"
)

// localTarget prepares this machine for the local target: PostgreSQL (the
// one PRENV_POSTGRES_URL names, or prenv's managed cluster) and the router.
func (a *App) localTarget(ctx context.Context, home string) (local.Target, error) {
	port := router.DefaultPort
	if p := a.Getenv("PRENV_ROUTER_PORT"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return local.Target{}, usage(fmt.Errorf("PRENV_ROUTER_PORT=%q is not a port: use 1-65535", p))
		}
		port = n
	}
	t := local.Target{
		RoutesDir:  filepath.Join(home, "routes"),
		LogsDir:    filepath.Join(home, "envs"),
		RouterPort: port,
		AdminURL:   a.Getenv("PRENV_POSTGRES_URL"),
		Golden:     a.Getenv("PRENV_GOLDEN"),
	}
	if t.AdminURL == "" {
		cluster := &pg.Cluster{Dir: a.postgresDir(home)}
		url, err := cluster.Start(ctx)
		if err != nil {
			return t, err
		}
		t.AdminURL = url
	}
	if err := a.ensureRouter(ctx, home, t.RoutesDir, port); err != nil {
		return t, err
	}
	return t, nil
}

// postgresDir is where the managed cluster lives: <prenv home>/postgres,
// or /var/lib/prenv/postgres for root's default home, which the postgres
// user cannot enter.
func (a *App) postgresDir(home string) string {
	if d := a.Getenv("PRENV_POSTGRES_DIR"); d != "" {
		return d
	}
	if os.Geteuid() == 0 && a.Getenv("PRENV_HOME") == "" {
		return "/var/lib/prenv/postgres"
	}
	return filepath.Join(home, "postgres")
}

// ensureRouter starts `prenv router` in the background unless something
// already answers on its port.
func (a *App) ensureRouter(ctx context.Context, home, routes string, port int) error {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	if dialable(addr) {
		return checkRouter(ctx, addr, routes)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	logPath := filepath.Join(home, "router.log")
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	cmd := exec.Command(self, "router", "--addr", addr, "--routes", routes)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the router: %w", err)
	}
	go func() { _ = cmd.Wait() }()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		if dialable(addr) {
			a.notice(fmt.Sprintf("started the router on %s (log %s)", addr, logPath))
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
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+router.PingPath, nil)
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Do(req)
	if err == nil {
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		switch got := strings.TrimSpace(string(body)); {
		case resp.StatusCode == http.StatusOK && got == routes:
			return nil
		case resp.StatusCode == http.StatusOK && filepath.IsAbs(got):
			return fmt.Errorf("port %s serves the prenv router of %s, not of %s: stop it or set PRENV_ROUTER_PORT to another port", addr, got, routes)
		}
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

// pluginDir returns a directory holding pulumi-resource-prenv, a link to
// this binary, for pulumi to start the local provider from.
func pluginDir(home string) (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	if sibling := filepath.Join(filepath.Dir(self), local.PluginBinary); sameFile(sibling, self) {
		return filepath.Dir(self), nil
	}
	dir := filepath.Join(home, "plugins")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	link := filepath.Join(dir, local.PluginBinary)
	if sameFile(link, self) {
		return dir, nil
	}
	tmp := link + ".tmp"
	os.Remove(tmp)
	if err := os.Symlink(self, tmp); err != nil {
		return "", err
	}
	return dir, os.Rename(tmp, link)
}

func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// changedFiles lists the files the checkout changed against its base ref,
// uncommitted changes included, as repository-relative paths.
func (a *App) changedFiles(ctx context.Context, bp *stacks.Blueprint, base string) ([]string, error) {
	base = firstOf(base, a.Getenv("PRENV_BASE_REF"), "origin/main")
	cmd := exec.CommandContext(ctx, "git", "diff", "--name-only", "--merge-base", base, "--")
	cmd.Dir = bp.AbsDir()
	root := exec.CommandContext(ctx, "git", "rev-parse", "--show-toplevel")
	root.Dir = bp.AbsDir()
	if _, err := root.Output(); err != nil {
		return nil, usage(fmt.Errorf("sandbox mode needs the blueprint in a git checkout to find changed services: %s is not one", bp.AbsDir()))
	}
	out, err := cmd.Output()
	if err != nil {
		return nil, usage(fmt.Errorf("git diff against %s failed (%v): pass --base REF or set PRENV_BASE_REF to the PR's base branch", base, err))
	}
	var files []string
	for _, f := range strings.Split(string(out), "\n") {
		if f != "" {
			files = append(files, f)
		}
	}
	return files, nil
}
