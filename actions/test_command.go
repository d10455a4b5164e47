package actions

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/comment"
	"github.com/prenv/prenv/stacks"
)

// testTailLines is how much of the tests' output the comment keeps.
const testTailLines = 50

// defaultTestWait is how long test-command waits for the URL when
// wait-for-url is empty: the tests would only fail against a URL that
// does not answer yet.
const defaultTestWait = 2 * time.Minute

// fileCommandEnv are the runner's file commands, which are the step's:
// the tests get none, so they cannot set its outputs or the job's
// environment.
var fileCommandEnv = []string{"GITHUB_ENV", "GITHUB_PATH", "GITHUB_OUTPUT", "GITHUB_STATE", "GITHUB_STEP_SUMMARY"}

// testRun is one run of the test-command.
type testRun struct {
	Command string // the workflow's, run as sh -c Command
	Dir     string
	Env     []string // KEY=value, the whole environment
	Timeout time.Duration
	Out     io.Writer // the log
}

// testCmd builds the test-command's process: sh -c with the command as
// its one script argument (nothing else is interpolated into it), in a
// process group of its own, which a cancelled ctx kills whole.
func testCmd(ctx context.Context, run testRun) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", run.Command)
	cmd.Dir, cmd.Env = run.Dir, run.Env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	// A process the tests left in the background may hold the output open.
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// runTests runs the test-command for at most run.Timeout, streaming its
// output to run.Out and keeping its last lines. Whatever it leaves running
// in its process group is killed when it ends. The error is for a command
// that could not run, or a cancelled ctx; a failing one is in the result.
func runTests(ctx context.Context, run testRun) (comment.Tests, error) {
	tctx, cancel := context.WithTimeout(ctx, run.Timeout)
	defer cancel()
	tail := &lineTail{max: testTailLines}
	out := io.MultiWriter(run.Out, tail)
	cmd := testCmd(tctx, run)
	cmd.Stdout, cmd.Stderr = out, out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return comment.Tests{}, fmt.Errorf("test-command: %w", err)
	}
	err := cmd.Wait()
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	res := comment.Tests{Ran: true, Duration: time.Since(start), Tail: tail.Lines()}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	res.TimedOut = errors.Is(tctx.Err(), context.DeadlineExceeded)
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		res.ExitCode = exit.ExitCode()
	case err != nil && !errors.Is(err, exec.ErrWaitDelay):
		return res, fmt.Errorf("test-command: %w", err)
	}
	return res, nil
}

// testEnv is the test-command's environment: environ without the run's
// secrets (stacks.InheritedEnv, and the blueprint's salt variable) or the
// runner's file commands, with PRENV_URL, PRENV_ENV and PRENV_OUTPUT_<NAME>
// for each stack output (secrets too: the log masks them, and so does the
// comment's copy).
func testEnv(environ []string, saltEnv, env string, outputs map[string]automation.Output) []string {
	out := stacks.InheritedEnv(environ, append(slices.Clone(fileCommandEnv), saltEnv)...)
	out = append(out, "PRENV_URL="+outputString(outputs, "url"), "PRENV_ENV="+env)
	for _, k := range slices.Sorted(maps.Keys(outputs)) {
		out = append(out, outputEnv(k)+"="+outputText(outputs[k].Value))
	}
	return out
}

// outputEnv is the variable that carries stack output name, such as
// PRENV_OUTPUT_URL_WEB for url:web.
func outputEnv(name string) string {
	return "PRENV_OUTPUT_" + strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, name)
}

// githubToken matches GitHub's token formats, masked in the comment
// whether or not the run knows them.
var githubToken = regexp.MustCompile(`\b(gh[opsur]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})`)

// maskTail hides, in the tests' last lines, what the runner masks in the
// log (the Runner knows those prenv added), the values of the run's secret
// variables, and anything shaped like a GitHub token: the comment is
// public and the runner does not mask it.
func (x *Step) maskTail(lines []string, saltEnv string) []string {
	var secrets []string
	for _, name := range append(slices.Clone(stacks.SecretEnv), saltEnv, InputEnv("github-token")) {
		// A value this short would hide common words, not a secret.
		if v := x.Runner.Getenv(name); len(v) >= 4 {
			secrets = append(secrets, v)
		}
	}
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) }) // a value's longer secrets first
	out := make([]string, len(lines))
	for i, line := range lines {
		line = x.Runner.Redact(line)
		for _, s := range secrets {
			line = strings.ReplaceAll(line, s, "***")
		}
		out[i] = githubToken.ReplaceAllString(line, "***")
	}
	return out
}

// lineTail keeps the last max lines written to it, each cut at
// maxLineBytes.
type lineTail struct {
	max     int
	lines   []string
	partial []byte
}

const maxLineBytes = 1024

func (t *lineTail) Write(p []byte) (int, error) {
	rest := p
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			break
		}
		t.grow(rest[:i])
		t.add(string(t.partial))
		t.partial, rest = t.partial[:0], rest[i+1:]
	}
	t.grow(rest)
	return len(p), nil
}

func (t *lineTail) grow(b []byte) {
	if room := maxLineBytes - len(t.partial); room > 0 {
		t.partial = append(t.partial, b[:min(len(b), room)]...)
	}
}

func (t *lineTail) add(line string) {
	t.lines = append(t.lines, strings.TrimRight(line, "\r"))
	if len(t.lines) > t.max {
		t.lines = slices.Delete(t.lines, 0, len(t.lines)-t.max)
	}
}

// Lines returns the last lines, the unfinished one included.
func (t *lineTail) Lines() []string {
	lines := slices.Clone(t.lines)
	if len(t.partial) > 0 {
		lines = append(lines, strings.TrimRight(string(t.partial), "\r"))
	}
	if len(lines) > t.max {
		lines = lines[len(lines)-t.max:]
	}
	return lines
}
