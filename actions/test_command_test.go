package actions

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
)

func TestRunTests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		command  string
		timeout  time.Duration
		exit     int
		timedOut bool
		tail     []string
	}{
		{"passes", `echo "testing $PRENV_URL"; echo to stderr >&2`, time.Minute, 0, false, []string{"testing http://pr-7.localhost:7070", "to stderr"}},
		{"fails", `seq 1 80; exit 3`, time.Minute, 3, false, func() []string {
			var want []string
			for i := 31; i <= 80; i++ {
				want = append(want, strconv.Itoa(i))
			}
			return want
		}()},
		{"hangs", `echo started; sleep 60`, time.Second, -1, true, []string{"started"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var log bytes.Buffer
			res, err := runTests(t.Context(), testRun{
				Command: tt.command, Dir: t.TempDir(), Timeout: tt.timeout, Out: &log,
				Env: []string{"PATH=" + os.Getenv("PATH"), "PRENV_URL=http://pr-7.localhost:7070"},
			})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Ran || res.ExitCode != tt.exit || res.TimedOut != tt.timedOut || res.Passed() != (tt.exit == 0) {
				t.Errorf("result = %+v, want exit %d, timed out %v", res, tt.exit, tt.timedOut)
			}
			if !slices.Equal(res.Tail, tt.tail) {
				t.Errorf("tail = %q, want %q", res.Tail, tt.tail)
			}
			if !strings.Contains(log.String(), tt.tail[len(tt.tail)-1]) {
				t.Errorf("the log lacks the output: %q", log.String())
			}
		})
	}
}

// A test-command's processes end with it: on a timeout its whole process
// group is killed, and what it left in the background when it ended too.
func TestRunTestsKillsItsProcessGroup(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, command string
		timeout       time.Duration
	}{
		{"timed out", `sleep 300 & echo $! > child; wait`, 2 * time.Second},
		{"left behind", `sleep 300 > /dev/null 2>&1 & echo $! > child`, time.Minute},
		{"left holding the output", `sleep 300 & echo $! > child`, time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			var log bytes.Buffer
			res, err := runTests(t.Context(), testRun{Command: tc.command, Dir: dir, Timeout: tc.timeout, Out: &log, Env: []string{"PATH=" + os.Getenv("PATH")}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Passed() == (tc.name == "timed out") {
				t.Errorf("result = %+v", res)
			}
			data, err := os.ReadFile(filepath.Join(dir, "child"))
			if err != nil {
				t.Fatal(err)
			}
			pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
			if pid == 0 {
				t.Fatalf("no child pid in %q", data)
			}
			// Killed, it is gone or a zombie awaiting its reaper.
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
				if err != nil || bytes.Contains(stat, []byte(") Z ")) {
					break
				}
				if time.Now().After(deadline) {
					_ = syscall.Kill(pid, syscall.SIGKILL)
					t.Fatalf("the tests' child %d still runs", pid)
				}
			}
		})
	}
}

func TestLineTail(t *testing.T) {
	t.Parallel()
	tail := &lineTail{max: 3}
	for _, chunk := range []string{"one\ntw", "o\r\nthree\nfour\n", strings.Repeat("x", 5000), "\nunfinished"} {
		tail.Write([]byte(chunk))
	}
	want := []string{"four", strings.Repeat("x", maxLineBytes), "unfinished"}
	if got := tail.Lines(); !slices.Equal(got, want) {
		t.Errorf("Lines() = %q, want %q", got, want)
	}
}

func TestTestEnv(t *testing.T) {
	t.Parallel()
	environ := []string{
		"PATH=/usr/bin", "HOME=/github/home", "GITHUB_REPOSITORY=acme/shop", "GITHUB_TOKEN=ghs_x", "INPUT_GITHUB-TOKEN=ghs_x",
		"PULUMI_CONFIG_PASSPHRASE=p", "PRENV_POSTGRES_URL=postgres://u:p@postgres/postgres", "SHOP_SALT=s",
		"GITHUB_ENV=/github/file_commands/env", "GITHUB_OUTPUT=/github/file_commands/out", "GITHUB_STEP_SUMMARY=/s",
	}
	outputs := map[string]automation.Output{
		"url":         {Value: "http://pr-7.localhost:7070"},
		"url:web":     {Value: "http://web.pr-7.localhost:7070"},
		"databaseUrl": {Value: "postgres://pr_7:pw@postgres/prenv_shop_pr_7", Secret: true},
		"services":    {Value: []any{"web", "api"}},
	}
	got := testEnv(environ, "SHOP_SALT", "pr-7", outputs)
	want := []string{
		"PATH=/usr/bin", "HOME=/github/home", "GITHUB_REPOSITORY=acme/shop",
		"PRENV_URL=http://pr-7.localhost:7070", "PRENV_ENV=pr-7",
		"PRENV_OUTPUT_DATABASEURL=postgres://pr_7:pw@postgres/prenv_shop_pr_7", `PRENV_OUTPUT_SERVICES=["web","api"]`,
		"PRENV_OUTPUT_URL=http://pr-7.localhost:7070", "PRENV_OUTPUT_URL_WEB=http://web.pr-7.localhost:7070",
	}
	if !slices.Equal(got, want) {
		t.Errorf("testEnv =\n%q\nwant\n%q", got, want)
	}
}

func TestMaskTail(t *testing.T) {
	t.Parallel()
	r, _ := runner(t, map[string]string{
		"PULUMI_CONFIG_PASSPHRASE": "correct horse", "SHOP_SALT": "pepper-and-salt", "INPUT_GITHUB-TOKEN": "ghs_inputtoken",
		"PRENV_ANONYMIZE_SALT": "abc", // too short to mask: it would hide words
	})
	r.AddMask("postgres://pr_7:hunter2@db/prenv")
	r.AddMask("hunter2")
	x := &Step{Runner: r}
	got := x.maskTail([]string{
		"connecting to postgres://pr_7:hunter2@db/prenv as hunter2",
		"passphrase correct horse, salt pepper-and-salt, token ghs_inputtoken",
		"a stray ghp_0123456789abcdefghijABCDEFGHIJ and github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
		"abc is not a secret here",
	}, "SHOP_SALT")
	want := []string{
		"connecting to *** as ***",
		"passphrase ***, salt ***, token ***",
		"a stray *** and ***",
		"abc is not a secret here",
	}
	if !slices.Equal(got, want) {
		t.Errorf("maskTail =\n%q\nwant\n%q", got, want)
	}
}

func TestOutputEnv(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{"url": "PRENV_OUTPUT_URL", "url:web": "PRENV_OUTPUT_URL_WEB", "prenv:expires-at": "PRENV_OUTPUT_PRENV_EXPIRES_AT", "databaseUrl": "PRENV_OUTPUT_DATABASEURL"} {
		if got := outputEnv(name); got != want {
			t.Errorf("outputEnv(%q) = %q, want %q", name, got, want)
		}
	}
}
