package pulumi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/blang/semver"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/atomicfile"
)

// Version is the pulumi CLI version prenv is built and tested with;
// older CLIs are refused.
var Version = semver.MustParse("3.250.0")

// pulumiCLI runs one pulumi binary for the Automation API. It implements
// auto.PulumiCommand so prenv decides how the child is started and stopped.
type pulumiCLI struct {
	path    string
	version semver.Version
}

// Find returns the pulumi binary to use: explicit if set (from
// PRENV_PULUMI), else the first "pulumi" in dirs, else one on PATH.
func Find(explicit string, dirs ...string) (string, error) {
	if explicit != "" {
		if _, err := os.Stat(explicit); err != nil {
			return "", fmt.Errorf("PRENV_PULUMI=%s does not exist: point it at a pulumi binary or unset it", explicit)
		}
		return filepath.Abs(explicit)
	}
	for _, d := range dirs {
		p := filepath.Join(d, "pulumi")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return filepath.Abs(p)
		}
	}
	if p, err := exec.LookPath("pulumi"); err == nil {
		return filepath.Abs(p)
	}
	return "", errors.New("pulumi CLI not found in PRENV_PULUMI, ./bin or PATH: run `make tools` to build it into ./bin")
}

// newPulumiCLI checks the binary at path and returns a runner for it.
// With a cache file, the version of an unchanged binary is read from it
// instead of running `pulumi version` on every invocation.
func newPulumiCLI(ctx context.Context, path, cache string) (*pulumiCLI, error) {
	found, key := "", binaryKey(path)
	if cache != "" && key != "" {
		if data, err := os.ReadFile(cache); err == nil {
			if k, v, ok := strings.Cut(strings.TrimSpace(string(data)), "\t"); ok && k == key {
				found = v
			}
		}
	}
	if found == "" {
		out, err := exec.CommandContext(ctx, path, "version").Output()
		if err != nil {
			return nil, fmt.Errorf("%s does not run as pulumi (%v): run `make tools` or set PRENV_PULUMI", path, err)
		}
		found = strings.TrimSpace(string(out))
		if cache != "" && key != "" {
			_ = atomicfile.Write(cache, []byte(key+"\t"+found+"\n"), 0o644)
		}
	}
	v, err := semver.ParseTolerant(found)
	if err != nil {
		return nil, fmt.Errorf("%s reports version %q, which is not a release: build a stamped CLI with `make tools`", path, found)
	}
	if v.LT(Version) {
		return nil, fmt.Errorf("pulumi %s at %s is older than v%s that prenv needs: run `make tools` or set PRENV_PULUMI", found, path, Version)
	}
	return &pulumiCLI{path: path, version: v}, nil
}

// Version implements auto.PulumiCommand.
func (c *pulumiCLI) Version() semver.Version { return c.version }

// Run implements auto.PulumiCommand.
func (c *pulumiCLI) Run(ctx context.Context, workdir string, stdin io.Reader,
	stdoutTo, stderrTo []io.Writer, env []string, args ...string,
) (string, string, int, error) {
	cmd := c.command(ctx, workdir, env, args)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = io.MultiWriter(append(stdoutTo, &stdout)...)
	cmd.Stderr = io.MultiWriter(append(stderrTo, &stderr)...)
	cmd.Stdin = stdin
	err := cmd.Run()
	code := -2
	var exit *exec.ExitError
	switch {
	case err == nil:
		code = 0
	case errors.As(err, &exit):
		code = exit.ExitCode()
	}
	if ctx.Err() != nil && err != nil {
		err = fmt.Errorf("%w (pulumi was interrupted: %v)", ctx.Err(), err)
	}
	return stdout.String(), stderr.String(), code, err
}

// command builds the child: non-interactive, interrupted (not killed) when
// ctx ends so pulumi can release its lock, and killed after InterruptGrace.
func (c *pulumiCLI) command(ctx context.Context, workdir string, env, args []string) *exec.Cmd {
	if !slices.Contains(args, "--non-interactive") {
		args = append([]string{"--non-interactive"}, args...)
	}
	cmd := exec.CommandContext(ctx, c.path, args...)
	cmd.Dir = workdir
	cmd.Env = append(append(os.Environ(), env...),
		"PULUMI_AUTOMATION_API=true",
		"PULUMI_SKIP_UPDATE_CHECK=true",
		"PULUMI_DEBUG_COMMANDS=true", // registers --event-log, which the Automation API relies on
	)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = automation.InterruptGrace
	return cmd
}

// Check runs the binary at path and returns its version, or an error
// naming what is wrong and how to fix it.
func Check(ctx context.Context, path string) (string, error) {
	c, err := newPulumiCLI(ctx, path, "")
	if err != nil {
		return "", err
	}
	return "v" + c.version.String(), nil
}

// binaryKey identifies one build of a binary by path, size and mtime.
func binaryKey(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%s %d %d", path, fi.Size(), fi.ModTime().UnixNano())
}
