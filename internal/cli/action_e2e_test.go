package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prenv/prenv/internal/testenv"
)

// actionSandbox runs bin/prenv as the Actions runner runs the Action's
// container: inputs as INPUT_*, the event payload in a file, the file
// commands in files, and the post step as prenv-action-post with the
// main step's state as STATE_*.
type actionSandbox struct {
	*localSandbox
	gh *testenv.GitHub
}

const actionToken = "ghs_action-secret-token"

// actionRunID is the workflow run every step of the sandbox belongs to.
const actionRunID = "4242"

func newActionSandbox(t *testing.T) *actionSandbox {
	t.Helper()
	return newActionSandboxOn(t, "file")
}

// newActionSandboxOn is newActionSandbox whose state is kept on a backend
// of kind; on a bucket, the steps name it with backend-url alone.
func newActionSandboxOn(t *testing.T, kind string) *actionSandbox {
	t.Helper()
	s := &actionSandbox{localSandbox: newLocalSandbox(t), gh: testenv.NewGitHub(t, "acme/shop", actionToken)}
	s.useBackend(kind)
	// The service is prenv's own router binary: a real process that
	// answers a health path, with nothing else to build.
	blueprint := fmt.Sprintf(`project: act
target: local
ttl: 24h
services:
  - name: web
    entry: true
    run: exec %q router --addr 127.0.0.1:$PORT --routes %q
    health: /_prenv/ping
database:
  golden: golden.sql
`, testenv.Prenv(t), t.TempDir())
	for name, body := range map[string]string{"prenv.yaml": blueprint, "golden.sql": "CREATE TABLE notes (id int);\n"} {
		if err := os.WriteFile(filepath.Join(s.dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// step is one run of the Action's main or post step.
type step struct {
	code           int
	stdout, stderr string
	outputs, state map[string]string
	summary        string
}

// pullRequestEvent is a pull_request webhook payload in GitHub's shape.
func pullRequestEvent(action string, pr int, mutate func(p map[string]any)) map[string]any {
	p := map[string]any{
		"number": pr, "title": "Add a feature", "body": "", "state": "open", "draft": false, "merged": false,
		"user":   map[string]any{"login": "octocat"},
		"labels": []any{},
		"head":   map[string]any{"ref": "feature", "sha": "0123456789abcdef0123456789abcdef01234567", "repo": map[string]any{"full_name": "acme/shop", "fork": false}},
		"base":   map[string]any{"ref": "main", "sha": "89abcdef0123456789abcdef0123456789abcdef", "repo": map[string]any{"full_name": "acme/shop"}},
	}
	if mutate != nil {
		mutate(p)
	}
	return map[string]any{"action": action, "number": pr, "pull_request": p,
		"repository": map[string]any{"full_name": "acme/shop"}, "sender": map[string]any{"login": "octocat"}}
}

// run runs the main step for event with payload and inputs.
func (s *actionSandbox) run(event string, payload map[string]any, inputs map[string]string) step {
	s.t.Helper()
	cmd, finish := s.startMain(event, payload, inputs)
	return finish(cmd.Run())
}

// startMain prepares the main step without running it.
func (s *actionSandbox) startMain(event string, payload map[string]any, inputs map[string]string) (*exec.Cmd, func(error) step) {
	s.t.Helper()
	files := s.t.TempDir()
	eventPath := filepath.Join(files, "event.json")
	data, _ := json.Marshal(payload)
	if err := os.WriteFile(eventPath, data, 0o644); err != nil {
		s.t.Fatal(err)
	}
	env := []string{"GITHUB_EVENT_NAME=" + event, "GITHUB_EVENT_PATH=" + eventPath}
	if _, ok := inputs["github-token"]; !ok {
		env = append(env, "INPUT_GITHUB-TOKEN="+actionToken)
	}
	switch _, given := inputs["backend-url"]; {
	case strings.HasPrefix(s.backendURL, "file://"):
		// The sandbox's backend is a directory, which CI refuses unless told.
		if _, ok := inputs["allow-local-state"]; !ok {
			env = append(env, "INPUT_ALLOW-LOCAL-STATE=true")
		}
	case !given:
		// A bucket is named by the input alone, as a workflow names it.
		env = append(env, "INPUT_BACKEND-URL="+s.backendURL, "PRENV_BACKEND_URL=")
	}
	for k, v := range inputs {
		env = append(env, "INPUT_"+strings.ToUpper(k)+"="+v)
	}
	return s.start(testenv.Prenv(s.t), files, env, "action")
}

// post runs the post step with main's saved state.
func (s *actionSandbox) post(main step) step {
	s.t.Helper()
	var env []string
	for k, v := range main.state {
		env = append(env, "STATE_"+k+"="+v)
	}
	post := filepath.Join(filepath.Dir(testenv.Prenv(s.t)), "prenv-action-post")
	return s.step(post, s.t.TempDir(), env, "action")
}

func (s *actionSandbox) step(program, files string, env []string, args ...string) step {
	s.t.Helper()
	cmd, finish := s.start(program, files, env, args...)
	return finish(cmd.Run())
}

// start prepares a step's process and returns it with the function that
// collects its result once it has run.
func (s *actionSandbox) start(program, files string, env []string, args ...string) (*exec.Cmd, func(error) step) {
	s.t.Helper()
	paths := map[string]string{}
	for _, name := range []string{"GITHUB_OUTPUT", "GITHUB_STATE", "GITHUB_STEP_SUMMARY", "GITHUB_ENV"} {
		paths[name] = filepath.Join(files, strings.ToLower(name))
		if err := os.WriteFile(paths[name], nil, 0o644); err != nil {
			s.t.Fatal(err)
		}
		env = append(env, name+"="+paths[name])
	}
	cmd := exec.CommandContext(s.t.Context(), program, args...)
	cmd.Dir = s.dir
	cmd.Env = append(s.command().Env, "CI=true", "GITHUB_ACTIONS=true", "GITHUB_REPOSITORY=acme/shop", "GITHUB_API_URL="+s.gh.URL,
		"GITHUB_WORKSPACE="+s.dir, "GITHUB_SHA=fedcba9876543210fedcba9876543210fedcba98",
		"GITHUB_RUN_ID="+actionRunID, "GITHUB_RUN_ATTEMPT=1", "GITHUB_JOB=preview")
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, func(err error) step {
		s.t.Helper()
		res := step{stdout: stdout.String(), stderr: stderr.String()}
		if exit, ok := err.(*exec.ExitError); ok {
			res.code = exit.ExitCode()
		} else if err != nil {
			s.t.Fatal(err)
		}
		res.outputs = readFileCommands(s.t, paths["GITHUB_OUTPUT"])
		res.state = readFileCommands(s.t, paths["GITHUB_STATE"])
		summary, _ := os.ReadFile(paths["GITHUB_STEP_SUMMARY"])
		res.summary = string(summary)
		if env, _ := os.ReadFile(paths["GITHUB_ENV"]); len(env) != 0 {
			s.t.Errorf("the step wrote GITHUB_ENV: %q", env)
		}
		if leaked := strings.ReplaceAll(res.stdout, "::add-mask::"+actionToken, ""); strings.Contains(leaked+res.stderr, actionToken) {
			s.t.Error("the GitHub token appears in the step's log outside its add-mask command")
		}
		return res
	}
}

// readFileCommands parses a GITHUB_OUTPUT or GITHUB_STATE file as the
// runner does: name=value lines and name<<DELIM heredocs.
func readFileCommands(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if name, delim, ok := strings.Cut(line, "<<"); ok {
			var value []string
			for i++; i < len(lines) && lines[i] != delim; i++ {
				value = append(value, lines[i])
			}
			out[name] = strings.Join(value, "\n")
		} else if name, value, ok := strings.Cut(line, "="); ok {
			out[name] = value
		}
	}
	return out
}

func (r step) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

func TestActionPullRequestLifecycle(t *testing.T) {
	t.Parallel()
	forEachBackend(t, testActionPullRequestLifecycle)
}

func testActionPullRequestLifecycle(t *testing.T, kind string) {
	s := newActionSandboxOn(t, kind)
	s.gh.AddPR(testenv.FakePR{Number: 7})
	if _, stderr, code := s.sandbox.run("up", "--env", "baseline"); code != 0 {
		t.Fatalf("up baseline: %s", stderr)
	}
	defer s.sandbox.run("destroy", "--env", "baseline")

	opened := s.run("pull_request", pullRequestEvent("opened", 7, nil), map[string]string{"wait-for-url": "30s"})
	if opened.code != 0 {
		t.Fatalf("opened: %s", opened)
	}
	if opened.outputs["env"] != "pr-7" || opened.outputs["stack-name"] != "pr-7" || opened.outputs["changed"] != "true" ||
		opened.outputs["preview-url"] == "" || opened.outputs["expires-at"] == "" || opened.outputs["url:web"] == "" {
		t.Errorf("opened outputs = %v", opened.outputs)
	}
	if db := opened.outputs["databaseUrl"]; !strings.HasPrefix(db, "postgres") || !strings.Contains(opened.stdout, "::add-mask::"+db) {
		t.Errorf("the secret output databaseUrl = %q is not set and masked first", db)
	}
	if strings.Contains(opened.summary, opened.outputs["databaseUrl"]) || strings.Contains(s.gh.Comments(7)[0].Body, opened.outputs["databaseUrl"]) {
		t.Error("the secret databaseUrl appears in the summary or the comment")
	}
	services := s.serviceProcesses("prenv_act_pr_7")
	if len(services) == 0 {
		t.Fatal("pr-7's service is not running")
	}
	for _, pid := range services {
		environ, _ := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
		if bytes.Contains(environ, []byte(actionToken)) || bytes.Contains(environ, []byte("PULUMI_CONFIG_PASSPHRASE=")) {
			t.Errorf("service process %d inherited the run's token or passphrase", pid)
		}
	}
	if !strings.Contains(opened.summary, "is ready") {
		t.Errorf("step summary = %q", opened.summary)
	}
	comments := s.gh.Comments(7)
	if len(comments) != 1 || !strings.HasPrefix(comments[0].Body, "<!-- prenv:acme/shop:act:pr-7 -->") || !strings.Contains(comments[0].Body, opened.outputs["preview-url"]) {
		t.Fatalf("comments after opened = %+v", comments)
	}
	if d := s.gh.Deployments("pr-7"); len(d) != 1 || strings.Join(d[0].States, ",") != "in_progress,success" || d[0].URL != opened.outputs["preview-url"] {
		t.Errorf("deployments after opened = %+v", d)
	}

	pushed := s.run("pull_request", pullRequestEvent("synchronize", 7, nil), nil)
	if pushed.code != 0 || pushed.outputs["changed"] != "false" {
		t.Fatalf("synchronize: changed=%q %s", pushed.outputs["changed"], pushed)
	}
	if comments := s.gh.Comments(7); len(comments) != 1 || comments[0].ID != s.gh.Comments(7)[0].ID {
		t.Errorf("after synchronize there are %d comments; want the one edited", len(comments))
	}

	closed := s.run("pull_request", pullRequestEvent("closed", 7, func(p map[string]any) { p["state"] = "closed" }), nil)
	if closed.code != 0 {
		t.Fatalf("closed: %s", closed)
	}
	if names := s.stackNames(); len(names) != 1 || names[0] != "baseline" {
		t.Errorf("stacks after closed = %v; want the baseline alone", names)
	}
	if comments := s.gh.Comments(7); len(comments) != 1 || !strings.Contains(comments[0].Body, "was destroyed") {
		t.Errorf("comment after closed = %+v", comments)
	}
	deployments := s.gh.Deployments("pr-7")
	if len(deployments) != 2 { // one per push
		t.Errorf("deployments of pr-7 = %+v; want one per push", deployments)
	}
	for _, d := range deployments {
		if d.States[len(d.States)-1] != "inactive" {
			t.Errorf("deployment %d after closed: %v; want it inactive", d.ID, d.States)
		}
	}
	if len(s.serviceProcesses("prenv_act_pr_7")) != 0 {
		t.Error("pr-7's service still runs after closed")
	}

	s.gh.AddPR(testenv.FakePR{Number: 99})
	never := s.run("pull_request", pullRequestEvent("closed", 99, nil), nil)
	if never.code != 0 || len(s.gh.Comments(99)) != 0 {
		t.Errorf("closing a PR that never had an environment: %d comments, %s", len(s.gh.Comments(99)), never)
	}
}

func TestActionRefusesClearly(t *testing.T) {
	t.Parallel()
	s := newActionSandbox(t)
	s.gh.AddPR(testenv.FakePR{Number: 3})
	for _, tc := range []struct {
		name   string
		pr     int
		inputs map[string]string
		want   string
	}{
		{"missing token", 3, map[string]string{"github-token": ""}, "::error::input github-token is empty"},
		{"401", 3, map[string]string{"github-token": "ghs_wrong"}, "::error::read pull request #3 of acme/shop: GitHub refused the token (401"},
		{"404 PR", 4, nil, "::error::read pull request #4 of acme/shop: not found (404)"},
		{"bad input", 3, map[string]string{"wait-for-lock": "soon"}, "::error::input wait-for-lock: \"soon\" is not a duration"},
		{"state on the runner", 3, map[string]string{"allow-local-state": "false"}, "on this CI runner's disk, which is thrown away when the job ends: set backend-url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := s.run("pull_request", pullRequestEvent("opened", tc.pr, nil), tc.inputs)
			if res.code == 0 || !strings.Contains(res.stdout, tc.want) {
				t.Errorf("want a failure with %q; got %s", tc.want, res)
			}
		})
	}
	if names := s.stackNames(); len(names) != 0 {
		t.Errorf("refused runs created stacks %v", names)
	}
	if comments := s.gh.Comments(3); len(comments) != 0 {
		t.Errorf("refused runs commented: %v", comments)
	}
}

func TestActionSkipsForksAndIgnoresInjection(t *testing.T) {
	t.Parallel()
	s := newActionSandbox(t)
	s.gh.AddPR(testenv.FakePR{Number: 5})
	fork := s.run("pull_request", pullRequestEvent("opened", 5, func(p map[string]any) {
		p["head"].(map[string]any)["repo"] = map[string]any{"full_name": "mallory/shop", "fork": true}
	}), nil)
	if fork.code != 0 || !strings.Contains(fork.stdout, "::notice::prenv skipped this run: pull request #5 comes from the fork mallory/shop") {
		t.Errorf("fork PR: %s", fork)
	}
	if len(s.stackNames()) != 0 {
		t.Fatal("a fork PR got an environment")
	}

	marker := filepath.Join(t.TempDir(), "pwned")
	s.gh.AddPR(testenv.FakePR{Number: 6})
	evil := s.run("pull_request", pullRequestEvent("opened", 6, func(p map[string]any) {
		p["title"] = "$(touch " + marker + ") `touch " + marker + "` \";touch " + marker + ";#"
		p["body"] = "\nGITHUB_ENV=pwned\n"
		p["head"].(map[string]any)["ref"] = "x\";touch${IFS}" + marker + ";#\nINPUT_COMMAND=destroy"
		p["labels"] = []any{map[string]any{"name": "$(touch " + marker + ")"}}
	}), map[string]string{"deploy-target": "none"})
	if evil.code != 0 {
		t.Fatalf("a PR with a hostile title: %s", evil)
	}
	if _, err := os.Stat(marker); !os.IsNotExist(err) {
		t.Fatal("a command in the PR's title, branch or labels ran")
	}
	if evil.outputs["env"] != "pr-6" || evil.outputs["stack-name"] != "pr-6" {
		t.Errorf("names = %v; want pr-6", evil.outputs)
	}
	for k, v := range evil.outputs {
		if strings.Contains(k+v, "touch") || strings.Contains(k+v, "pwned") {
			t.Errorf("output %s=%q carries the PR's text", k, v)
		}
	}
	if body := s.gh.Comments(6); len(body) != 1 || strings.Contains(body[0].Body, "touch") {
		t.Errorf("the comment carries the PR's text: %+v", body)
	}
	s.run("pull_request", pullRequestEvent("closed", 6, nil), map[string]string{"deploy-target": "none"})
}

func TestActionPostStep(t *testing.T) {
	t.Parallel()
	forEachBackend(t, testActionPostStep)
}

func testActionPostStep(t *testing.T, kind string) {
	s := newActionSandboxOn(t, kind)
	if _, stderr, code := s.sandbox.run("up", "--env", "baseline"); code != 0 {
		t.Fatalf("up baseline: %s", stderr)
	}
	defer s.sandbox.run("destroy", "--env", "baseline")
	s.gh.AddPR(testenv.FakePR{Number: 8})
	s.gh.AddPR(testenv.FakePR{Number: 9})

	// destroy-on-post: a throwaway environment for one job's tests.
	main := s.run("pull_request", pullRequestEvent("opened", 8, nil), map[string]string{"destroy-on-post": "true"})
	if main.code != 0 {
		t.Fatalf("main: %s", main)
	}
	if post := s.post(main); post.code != 0 || !strings.Contains(post.stdout, "destroyed pr-8") {
		t.Fatalf("post: %s", post)
	}
	if names := s.stackNames(); len(names) != 1 {
		t.Errorf("stacks after the post step = %v; want the baseline alone", names)
	}

	// A main step killed mid-update leaves its lock; the post step frees it.
	cmd, finish := s.startMain("pull_request", pullRequestEvent("opened", 9, nil), nil)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if len(s.locks("act", "pr-9")) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the main step never took its lock")
		}
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	cancelled := finish(cmd.Wait())
	if cancelled.state["env"] != "pr-9" || cancelled.state["host"] == "" {
		t.Fatalf("the killed main step saved state %v; the post step needs env and host", cancelled.state)
	}
	// The kill leaves the run's record beside its lock: the run is known.
	if runs := s.runRecords("act", "pr-9"); len(runs) != 1 || runs[0].Run.RunID != 4242 || runs[0].Run.Repo != "acme/shop" || runs[0].Run.Job != "preview" {
		t.Errorf("run records after the kill = %+v; want run 4242 of acme/shop, job preview", runs)
	}
	post := s.post(cancelled)
	if post.code != 0 || !strings.Contains(post.stdout, "released the lock the cancelled main step left on pr-9") {
		t.Fatalf("post after a cancel: %s", post)
	}
	if locks, runs := s.locks("act", "pr-9"), s.runRecords("act", "pr-9"); len(locks) != 0 || len(runs) != 0 {
		t.Errorf("after the post step, locks %+v and run records %+v are left", locks, runs)
	}
	// Another run's live lock is not the post step's to release.
	s.plantLock("act", "pr-9", 1, "another-runner", time.Now())
	if post := s.post(cancelled); post.code != 0 {
		t.Errorf("post beside another run's lock: %s", post)
	}
	if locks := s.locks("act", "pr-9"); len(locks) != 1 {
		t.Errorf("the post step released another run's lock: %+v", locks)
	}
	s.removeLocks("act", "pr-9")
	if closed := s.run("pull_request", pullRequestEvent("closed", 9, nil), nil); closed.code != 0 {
		t.Errorf("closing PR 9 after the cancel: %s", closed)
	}
	if len(s.serviceProcesses("prenv_act_pr_9")) != 0 {
		t.Error("pr-9's service survived its destroy")
	}
}

func TestActionReapMode(t *testing.T) {
	t.Parallel()
	s := newActionSandbox(t)
	for _, pr := range []int{1, 2, 3} {
		s.gh.AddPR(testenv.FakePR{Number: pr})
		if res := s.run("pull_request", pullRequestEvent("opened", pr, nil), map[string]string{"deploy-target": "none"}); res.code != 0 {
			t.Fatalf("up %d: %s", pr, res)
		}
	}
	s.gh.AddPR(testenv.FakePR{Number: 2, State: "closed"})
	dry := s.run("schedule", map[string]any{"schedule": "17 */6 * * *"}, map[string]string{"deploy-target": "none", "reap-dry-run": "true"})
	if dry.code != 0 || !strings.Contains(dry.stdout, "dry run (closed)") || len(s.stackNames()) != 3 {
		t.Fatalf("dry-run reap: %s", dry)
	}
	reap := s.run("schedule", map[string]any{"schedule": "17 */6 * * *"}, map[string]string{"deploy-target": "none"})
	if reap.code != 0 || !strings.Contains(reap.summary, "| `pr-2` | closed |") {
		t.Fatalf("reap: %s\nsummary:\n%s", reap, reap.summary)
	}
	if names := s.stackNames(); strings.Join(names, ",") != "pr-1,pr-3" {
		t.Errorf("stacks after the reap = %v; want pr-1 and pr-3", names)
	}
}
