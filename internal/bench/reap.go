package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// The reap bench's fleet: PRs 1..reapOpen are open, the rest closed.
const (
	reapProject = "benchreap"
	reapStacks  = 300
	reapOpen    = 75
	reapRepo    = "acme/shop"
	reapToken   = "bench-token"
	reapBatch   = 12 // stacks destroyed per concurrency level
)

// reapAtScale times `prenv reap` over 300 stacks on a file backend, 75 of
// them with open PRs: the GitHub calls and wall time of its decision (a dry
// run asking a local GitHub), then destroy throughput at concurrency 1, 2, 4.
func reapAtScale(ctx context.Context, bin string) error {
	fmt.Fprintf(os.Stderr, "bench: timing prenv reap over %d stacks, %d with open PRs...\n", reapStacks, reapOpen)
	work, err := os.MkdirTemp("", "prenv-bench-reap-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	project, state := filepath.Join(work, "project"), filepath.Join(work, "state")
	for _, d := range []string{project, state} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	blueprint := "project: " + reapProject + "\ntarget: none\nttl: 72h\n"
	if err := os.WriteFile(filepath.Join(project, "prenv.yaml"), []byte(blueprint), 0o644); err != nil {
		return err
	}
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		return k == "GITHUB_TOKEN" || k == "GITHUB_API_URL" || k == "GITHUB_STEP_SUMMARY"
	})
	env = append(env, "CI=", "GITHUB_ACTIONS=", "PRENV_HOME="+filepath.Join(work, "home"), "PRENV_BACKEND_URL=file://"+state,
		"PULUMI_CONFIG_PASSPHRASE=bench", "PULUMI_SKIP_UPDATE_CHECK=true",
		"PRENV_PULUMI="+filepath.Join(bin, "pulumi"), "GITHUB_REPOSITORY="+reapRepo)
	prenv := func(env []string, args ...string) (string, error) {
		out, err := command(ctx, project, env, filepath.Join(bin, "prenv"), args...)().Output()
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			return "", fmt.Errorf("prenv %s: %v: %s%s", strings.Join(args, " "), err, out, ee.Stderr)
		}
		return string(out), err
	}
	ls := func() (map[string]bool, error) {
		out, err := prenv(env, "ls", "--json")
		if err != nil {
			return nil, err
		}
		return listedStacks(out)
	}

	if _, err := prenv(env, "up", "--pr", "1"); err != nil {
		return err
	}
	if err := cloneStack(filepath.Join(state, ".pulumi", "stacks", reapProject), reapStacks); err != nil {
		return err
	}
	alive, err := ls()
	if err != nil {
		return err
	}
	if len(alive) != reapStacks {
		return fmt.Errorf("prenv ls lists %d stacks, want %d", len(alive), reapStacks)
	}

	var calls atomic.Int64
	gh := httptest.NewServer(openPulls(&calls))
	defer gh.Close()
	start := time.Now()
	out, err := prenv(append(slices.Clip(env), "GITHUB_TOKEN="+reapToken, "GITHUB_API_URL="+gh.URL),
		"reap", "--dry-run", "--force", "--max-deletions", "1000")
	decision := time.Since(start)
	if err != nil {
		return err
	}
	if n := strings.Count(out, "dry run (closed)"); n != reapStacks-reapOpen {
		return fmt.Errorf("reap --dry-run planned %d closed stacks, want %d:\n%s", n, reapStacks-reapOpen, out)
	}
	fmt.Printf("bench: reap-github-calls %d (%d open PRs at 100 a page; goal = 1)\n", calls.Load(), reapOpen)
	fmt.Printf("bench: reap-decision %.2f s (%d stacks, %d closed, one prenv process that runs pulumi stack ls once; goal <= 5)\n",
		decision.Seconds(), reapStacks, reapStacks-reapOpen)

	next := reapOpen + 1 // the first closed PR not yet destroyed
	for _, c := range []int{1, 2, 4} {
		var open []string
		chosen := map[string]bool{}
		for pr := 1; pr <= reapStacks; pr++ {
			if pr >= next && pr < next+reapBatch {
				chosen["pr-"+strconv.Itoa(pr)] = true
			} else {
				open = append(open, strconv.Itoa(pr))
			}
		}
		next += reapBatch
		start := time.Now()
		if _, err := prenv(env, "reap", "--open-prs", strings.Join(open, ","), "--force",
			"--max-deletions", strconv.Itoa(reapBatch), "--concurrency", strconv.Itoa(c)); err != nil {
			return err
		}
		took := time.Since(start)
		left, err := ls()
		if err != nil {
			return err
		}
		for name := range alive {
			switch gone := !left[name]; {
			case gone && !chosen[name]:
				return fmt.Errorf("reap at concurrency %d destroyed %s, which was not chosen", c, name)
			case !gone && chosen[name]:
				return fmt.Errorf("reap at concurrency %d kept %s, which was chosen", c, name)
			}
		}
		alive = left
		fmt.Printf("bench: reap-destroy-c%d %.1f stacks/s (%d stacks in %.1f s, whole reap run)\n",
			c, float64(reapBatch)/took.Seconds(), reapBatch, took.Seconds())
	}
	return nil
}

// cloneStack copies pr-1's state in dir to pr-2..pr-<n>, renaming the stack
// in its URNs and outputs. The clones are real pulumi state files that
// pulumi itself destroys; they are copied, not made by n ups, to keep the
// bench fast. Their .attrs files are left out: the file backend reads a
// state without one.
func cloneStack(dir string, n int) error {
	state, err := os.ReadFile(filepath.Join(dir, "pr-1.json"))
	if err != nil {
		return fmt.Errorf("read pr-1's state (the file backend may have compressed it): %w", err)
	}
	for i := 2; i <= n; i++ {
		if err := os.WriteFile(filepath.Join(dir, "pr-"+strconv.Itoa(i)+".json"), cloneOfPR1(state, i), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// cloneOfPR1 is pr-1's state file renamed to PR pr's stack.
func cloneOfPR1(state []byte, pr int) []byte {
	n := strconv.Itoa(pr)
	return prField.ReplaceAll(prName.ReplaceAll(state, []byte("pr-"+n)), []byte(`"pr":`+n))
}

var prName, prField = regexp.MustCompile(`pr-1\b`), regexp.MustCompile(`"pr":1\b`)

// listedStacks reads `prenv ls --json`, requiring each stack's created and
// expiry times, which reap decides on.
func listedStacks(out string) (map[string]bool, error) {
	var list []struct {
		Stack     string `json:"stack"`
		CreatedAt string `json:"created_at"`
		ExpiresAt string `json:"expires_at"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		return nil, fmt.Errorf("prenv ls --json: %w", err)
	}
	names := map[string]bool{}
	for _, s := range list {
		if s.CreatedAt == "" || s.ExpiresAt == "" {
			return nil, fmt.Errorf("prenv ls lists %s without its created or expiry time", s.Stack)
		}
		names[s.Stack] = true
	}
	return names, nil
}

// openPulls serves GitHub's open-PR listing of reapRepo, PRs 1..reapOpen,
// paginated as GitHub does, and counts every call made to it.
func openPulls(calls *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		q := r.URL.Query()
		switch {
		case r.Header.Get("Authorization") != "Bearer "+reapToken:
			http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
			return
		case r.Method != http.MethodGet || r.URL.Path != "/repos/"+reapRepo+"/pulls" || q.Get("state") != "open":
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			return
		}
		perPage, page := 30, 1 // GitHub's defaults
		if v, err := strconv.Atoi(q.Get("per_page")); err == nil && v > 0 {
			perPage = min(v, 100)
		}
		if v, err := strconv.Atoi(q.Get("page")); err == nil && v > 0 {
			page = v
		}
		type repo struct {
			FullName string `json:"full_name"`
		}
		type pull struct {
			Number int    `json:"number"`
			State  string `json:"state"`
			Head   struct {
				SHA  string `json:"sha"`
				Repo repo   `json:"repo"`
			} `json:"head"`
			Base struct {
				Repo repo `json:"repo"`
			} `json:"base"`
		}
		pulls := []pull{}
		for n := (page-1)*perPage + 1; n <= min(page*perPage, reapOpen); n++ {
			p := pull{Number: n, State: "open"}
			p.Head.SHA, p.Head.Repo.FullName, p.Base.Repo.FullName = "x", reapRepo, reapRepo
			pulls = append(pulls, p)
		}
		if page*perPage < reapOpen {
			w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?state=open&per_page=%d&page=%d>; rel="next"`, r.Host, r.URL.Path, perPage, page+1))
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(pulls)
	})
}
