package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

// useTerraform switches a sandbox's blueprint to engine: terraform, the
// only change a user makes.
func useTerraform(t *testing.T, s *sandbox) {
	t.Helper()
	path := filepath.Join(s.dir, "prenv.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("engine: terraform\n"+string(data)), 0o644); err != nil {
		t.Fatal(err)
	}
	s.extraEnv = append(s.extraEnv, "PRENV_TERRAFORM="+testenv.Terraform(t))
}

// TestActionTerraformLifecycle runs the Action as the runner does on a
// PR's opened, synchronize and closed events, with engine: terraform.
func TestActionTerraformLifecycle(t *testing.T) {
	t.Parallel()
	s := newActionSandbox(t)
	useTerraform(t, s.sandbox)
	s.gh.AddPR(testenv.FakePR{Number: 8})
	if _, stderr, code := s.sandbox.run("up", "--env", "baseline"); code != 0 {
		t.Fatalf("up baseline: %s", stderr)
	}
	defer s.sandbox.run("destroy", "--env", "baseline")

	opened := s.run("pull_request", pullRequestEvent("opened", 8, nil), map[string]string{"wait-for-url": "30s"})
	if opened.code != 0 {
		t.Fatalf("opened: %s", opened)
	}
	if opened.outputs["env"] != "pr-8" || opened.outputs["stack-name"] != "pr-8" || opened.outputs["changed"] != "true" ||
		opened.outputs["preview-url"] == "" || opened.outputs["expires-at"] == "" || opened.outputs["url:web"] == "" {
		t.Errorf("opened outputs = %v", opened.outputs)
	}
	if db := opened.outputs["databaseUrl"]; !strings.HasPrefix(db, "postgres") || !strings.Contains(opened.stdout, "::add-mask::"+db) {
		t.Errorf("the secret output databaseUrl = %q is not set and masked first", db)
	}
	comments := s.gh.Comments(8)
	if len(comments) != 1 || !strings.Contains(comments[0].Body, opened.outputs["preview-url"]) || strings.Contains(comments[0].Body, opened.outputs["databaseUrl"]) {
		t.Fatalf("comments after opened = %+v", comments)
	}

	pushed := s.run("pull_request", pullRequestEvent("synchronize", 8, nil), nil)
	if pushed.code != 0 || pushed.outputs["changed"] != "false" {
		t.Fatalf("synchronize: changed=%q %s", pushed.outputs["changed"], pushed)
	}

	closed := s.run("pull_request", pullRequestEvent("closed", 8, func(p map[string]any) { p["state"] = "closed" }), nil)
	if closed.code != 0 {
		t.Fatalf("closed: %s", closed)
	}
	if names := s.stackNames(); len(names) != 1 || names[0] != "baseline" {
		t.Errorf("workspaces after closed = %v; want the baseline alone", names)
	}
	if comments := s.gh.Comments(8); len(comments) != 1 || !strings.Contains(comments[0].Body, "was destroyed") {
		t.Errorf("comment after closed = %+v", comments)
	}
	if len(s.serviceProcesses("prenv_act_pr_8")) != 0 {
		t.Error("pr-8's service still runs after closed")
	}
}

// TestBinaryReapTerraform reaps the workspace of a closed PR and keeps
// the open ones, as it does Pulumi stacks.
func TestBinaryReapTerraform(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	useTerraform(t, s)
	for _, pr := range []string{"1", "2", "3"} {
		if _, stderr, code := s.run("up", "--pr", pr); code != 0 {
			t.Fatalf("up --pr %s: %s", pr, stderr)
		}
	}
	if out, _, code := s.run("reap", "--open-prs", "1,3", "--dry-run"); code != 0 || !strings.Contains(out, "dry run (closed)") {
		t.Errorf("dry run: exit %d:\n%s", code, out)
	}
	out, stderr, code := s.run("reap", "--open-prs", "1,3")
	if code != 0 || !strings.Contains(out, "destroyed (closed)") {
		t.Fatalf("reap: exit %d, %s:\n%s", code, stderr, out)
	}
	if names := s.stackNames(); strings.Join(names, ",") != "pr-1,pr-3" {
		t.Errorf("workspaces after reaping closed pr-2 = %v; want pr-1 and pr-3", names)
	}
}
