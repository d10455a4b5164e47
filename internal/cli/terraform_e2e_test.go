package cli_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/internal/testenv"
)

// engineSandbox is a local-target sandbox whose blueprint picks engine.
func engineSandbox(t *testing.T, engine string) *localSandbox {
	t.Helper()
	s := newLocalSandbox(t)
	blueprint := fmt.Sprintf(`project: eng
engine: %s
target: local
ttl: 24h
services:
  - name: web
    entry: true
    run: exec %q router --addr 127.0.0.1:$PORT --routes %q
    health: /_prenv/ping
database:
  golden: golden.sql
`, engine, testenv.Prenv(t), t.TempDir())
	for name, body := range map[string]string{"prenv.yaml": blueprint, "golden.sql": "CREATE TABLE notes (id int);\n"} {
		if err := os.WriteFile(filepath.Join(s.dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s.extraEnv = append(s.extraEnv, "PRENV_TERRAFORM="+testenv.Terraform(t))
	return s
}

func (s *sandbox) upJSON(args ...string) map[string]any {
	s.t.Helper()
	stdout, stderr, code := s.run(append([]string{"up", "--json"}, args...)...)
	if code != 0 {
		s.t.Fatalf("up %v: exit %d: %s", args, code, stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		s.t.Fatalf("up --json printed %q: %v", stdout, err)
	}
	return got
}

// TestBinaryLocalEngines brings the same local environment up and down
// with each engine: a user sees the same outputs, listing, exit codes and
// cleanup, and only the engine's name differs.
func TestBinaryLocalEngines(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"pulumi", "terraform"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			s := engineSandbox(t, engine)
			s.upJSON("--env", "baseline")
			got := s.upJSON("--pr", "1")
			outs, _ := got["outputs"].(map[string]any)
			if got["engine"] != engine || got["url"] == "" {
				t.Errorf("up --json = %v, want engine %s and a url", got, engine)
			}
			for key, want := range map[string]any{
				"url": got["url"], "url:web": strings.Replace(got["url"].(string), "pr-1.", "web.pr-1.", 1),
				"database": "prenv_eng_pr_1", "databaseUrl": "[secret]",
			} {
				if outs[key] != want {
					t.Errorf("output %s = %v, want %v (all: %v)", key, outs[key], want, outs)
				}
			}
			for _, key := range []string{"prenv:created-at", "prenv:expires-at"} {
				if _, err := time.Parse(time.RFC3339, fmt.Sprint(outs[key])); err != nil {
					t.Errorf("output %s = %v, want a time", key, outs[key])
				}
			}
			req, _ := http.NewRequest("GET", strings.Replace(got["url"].(string), "pr-1.localhost", "127.0.0.1", 1)+"/_prenv/ping", nil)
			req.Host = "pr-1.localhost"
			if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
				t.Errorf("GET pr-1's entry: %v %v", resp, err)
			} else {
				resp.Body.Close()
			}
			if again := s.upJSON("--pr", "1"); len(nonZero(again["changes"])) != 0 {
				t.Errorf("second up changed %v, want nothing", again["changes"])
			}
			stdout, stderr, code := s.run("outputs", "--pr", "1", "--json")
			if code != 0 || !strings.Contains(stdout, "prenv_eng_pr_1") {
				t.Errorf("outputs: exit %d: %s %s", code, stdout, stderr)
			}
			stdout, stderr, code = s.run("ls", "--json")
			if code != 0 || !strings.Contains(stdout, `"pr-1"`) || !strings.Contains(stdout, "baseline") {
				t.Errorf("ls: exit %d: %s %s", code, stdout, stderr)
			}
			if _, stderr, code := s.run("destroy", "--pr", "1"); code != 0 {
				t.Fatalf("destroy: exit %d: %s", code, stderr)
			}
			if left := s.serviceProcesses("prenv_eng_pr_1"); len(left) != 0 {
				t.Errorf("pr-1's processes left after destroy: %v", left)
			}
			if _, err := os.Stat(filepath.Join(s.home, "routes", "pr-1.json")); err == nil {
				t.Error("pr-1's route left after destroy")
			}
			if _, stderr, code := s.run("outputs", "--pr", "1"); code != 1 || !strings.Contains(stderr, "does not exist") {
				t.Errorf("outputs after destroy: exit %d: %s; want 1 and does not exist", code, stderr)
			}
			if _, stderr, code := s.run("destroy", "--pr", "1"); code != 0 {
				t.Errorf("second destroy: exit %d: %s", code, stderr)
			}
			if _, stderr, code := s.run("destroy", "--env", "baseline"); code != 0 {
				t.Errorf("destroy baseline: exit %d: %s", code, stderr)
			}
		})
	}
}

// nonZero returns the counts in a --json changes object that are not zero.
func nonZero(changes any) map[string]any {
	out := map[string]any{}
	m, _ := changes.(map[string]any)
	for k, v := range m {
		if n, _ := v.(float64); n != 0 && k != "same" {
			out[k] = v
		}
	}
	return out
}
