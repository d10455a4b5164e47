package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

// The inputs prenv shares with pulumi/actions, run as the runner runs the
// Action, on the none deploy target where no environment is needed.
func TestActionPulumiActionsInputs(t *testing.T) {
	t.Parallel()
	s := newActionSandbox(t)
	s.gh.AddPR(testenv.FakePR{Number: 7})
	none := map[string]string{"deploy-target": "none"}

	// target once named the deploy target; now it takes URNs, and says so.
	old := s.run("pull_request", pullRequestEvent("opened", 7, nil), map[string]string{"target": "none"})
	if old.code != 2 || !strings.Contains(old.stdout, `::error::input target: "none" names a deploy target, but target takes resource URNs, as pulumi/actions' does: use deploy-target: none`) {
		t.Errorf("target: none: %s", old)
	}
	pin := s.run("pull_request", pullRequestEvent("opened", 7, nil), with(none, "pulumi-version", "3.0.0"))
	if pin.code != 2 || !strings.Contains(pin.stdout, `::error::input pulumi-version: "3.0.0" is not the pulumi CLI this prenv runs, 3.250.0`) {
		t.Errorf("pulumi-version 3.0.0: %s", pin)
	}
	if names := s.stackNames(); len(names) != 0 {
		t.Fatalf("refused runs left stacks %v", names)
	}

	// expect-no-changes previews first: a new environment is a change, refused before it is applied.
	refused := s.run("pull_request", pullRequestEvent("opened", 7, nil), with(none, "expect-no-changes", "true"))
	if refused.code != 1 || !strings.Contains(refused.stdout, "::error::expect-no-changes is set, and pr-7 would change: 1 create") {
		t.Fatalf("expect-no-changes on a new environment: %s", refused)
	}
	if refused.outputs["changed"] != "false" || refused.outputs["pr"] != "" {
		t.Errorf("after the refusal changed=%q and the stack has outputs %v; want nothing applied", refused.outputs["changed"], refused.outputs)
	}
	if c := s.gh.Comments(7); len(c) != 1 || !strings.Contains(c[0].Body, "failed") || !strings.Contains(c[0].Body, "the preview found changes (1 create): nothing was applied") {
		t.Errorf("comment after the refusal = %+v", c)
	}

	// config-map in pulumi/actions' form, a message, suppress-outputs.
	const secret = "tok-8c1e-from-config-map"
	opened := s.run("pull_request", pullRequestEvent("opened", 7, nil), with(none,
		"config-map", "token: {value: "+secret+", secret: true}\nregion: {value: eu-west-1}\nreplicas: '2'",
		"message", "PR #7 opened", "suppress-outputs", "true"))
	if opened.code != 0 {
		t.Fatalf("opened: %s", opened)
	}
	if !strings.Contains(opened.stdout, "::add-mask::"+secret+"\n") {
		t.Errorf("the secret config value is not masked: %s", opened)
	}
	rest := strings.ReplaceAll(opened.stdout, "::add-mask::"+secret, "")
	for where, text := range map[string]string{"log": rest + opened.stderr, "summary": opened.summary, "comment": s.gh.Comments(7)[0].Body, "output output": opened.outputs["output"]} {
		if strings.Contains(text, secret) {
			t.Errorf("the secret config value appears in the %s", where)
		}
	}
	history := s.pulumiHistory("act", "pr-7")
	if !strings.Contains(history, "PR #7 opened") || !strings.Contains(history, `"act:token"`) || !strings.Contains(history, `"secure"`) || !strings.Contains(history, `"act:region"`) {
		t.Errorf("the update's history lacks its message or the secret config:\n%s", history)
	}
	if s.backendHolds(secret) {
		t.Error("the secret config value is in the backend in plain text")
	}
	if opened.outputs["env"] != "pr-7" || opened.outputs["pr"] != "7" || !strings.Contains(opened.outputs["output"], "prenv up of pr-7: 1 create") {
		t.Errorf("outputs = %v; want the stack's own and the run's output", opened.outputs)
	}
	comment := s.gh.Comments(7)[0].Body
	if strings.Contains(comment, "| Output | Value |") || strings.Contains(opened.summary, "| Output | Value |") || !strings.Contains(comment, "is ready") {
		t.Errorf("suppress-outputs: the comment or the summary lists the outputs:\n%s", comment)
	}

	// No change: expect-no-changes passes, and the outputs are back in the comment.
	again := s.run("pull_request", pullRequestEvent("synchronize", 7, nil), with(none, "expect-no-changes", "true"))
	if again.code != 0 || again.outputs["changed"] != "false" {
		t.Fatalf("expect-no-changes with no change: %s", again)
	}
	if c := s.gh.Comments(7); len(c) != 1 || !strings.Contains(c[0].Body, "| Output | Value |") {
		t.Errorf("without suppress-outputs the comment lacks the outputs: %+v", c)
	}
	if closed := s.run("pull_request", pullRequestEvent("closed", 7, nil), none); closed.code != 0 {
		t.Errorf("closed: %s", closed)
	}
}

// target limits an update to the resources its URNs name, here on the
// local target, whose environment has a database and a service.
func TestActionTargetLimitsAnUpdate(t *testing.T) {
	t.Parallel()
	s := newActionSandbox(t)
	s.gh.AddPR(testenv.FakePR{Number: 8})
	if _, stderr, code := s.sandbox.run("up", "--env", "baseline"); code != 0 {
		t.Fatalf("up baseline: %s", stderr)
	}
	defer s.sandbox.run("destroy", "--env", "baseline")

	bad := s.run("pull_request", pullRequestEvent("opened", 8, nil), map[string]string{"target": "prenv:local:Database::db"})
	if bad.code != 2 || !strings.Contains(bad.stdout, `::error::input target: "prenv:local:Database::db" is not a Pulumi resource URN`) {
		t.Errorf("a target that is not a URN: %s", bad)
	}
	// * stands for the stack, so one workflow names every PR's database.
	db := s.run("pull_request", pullRequestEvent("opened", 8, nil), map[string]string{"target": "urn:pulumi:*::act::prenv:local:Database::*"})
	if db.code != 0 || db.outputs["changed"] != "true" {
		t.Fatalf("up limited to the database: %s", db)
	}
	if len(s.serviceProcesses("prenv_act_pr_8")) != 0 {
		t.Error("an up limited to the database started the service")
	}
	if !strings.Contains(db.outputs["output"], "creating prenv:local:Database") || strings.Contains(db.outputs["output"], "prenv:local:Service") {
		t.Errorf("the limited up's output:\n%s", db.outputs["output"])
	}
	all := s.run("pull_request", pullRequestEvent("synchronize", 8, nil), nil)
	if all.code != 0 || len(s.serviceProcesses("prenv_act_pr_8")) == 0 {
		t.Fatalf("the untargeted up after it: service running %v: %s", s.serviceProcesses("prenv_act_pr_8"), all)
	}
	if !strings.Contains(all.outputs["output"], "creating prenv:local:Service") || strings.Contains(all.outputs["output"], "creating prenv:local:Database") {
		t.Errorf("the untargeted up's output:\n%s", all.outputs["output"])
	}
	if closed := s.run("pull_request", pullRequestEvent("closed", 8, nil), nil); closed.code != 0 {
		t.Errorf("closed: %s", closed)
	}
}

// with is inputs and the key/value pairs kv, in a new map.
func with(inputs map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range inputs {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// pulumiHistory returns the update history files of a stack in the
// sandbox's file:// backend, joined.
func (s *sandbox) pulumiHistory(project, stack string) string {
	s.t.Helper()
	files, _ := filepath.Glob(filepath.Join(s.backend, ".pulumi", "history", project, stack, "*.history.json"))
	var all strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			s.t.Fatal(err)
		}
		all.Write(data)
	}
	return all.String()
}

// backendHolds reports whether any file of the file:// backend holds text.
func (s *sandbox) backendHolds(text string) bool {
	found := false
	_ = filepath.Walk(s.backend, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			data, _ := os.ReadFile(path)
			found = found || bytes.Contains(data, []byte(text))
		}
		return nil
	})
	return found
}

// With engine: terraform, target takes resource addresses, and the
// Pulumi-only inputs are left aside with a notice.
func TestActionTerraformTargets(t *testing.T) {
	t.Parallel()
	s := newActionSandbox(t)
	useTerraform(t, s.sandbox)
	s.gh.AddPR(testenv.FakePR{Number: 9})
	none := map[string]string{"deploy-target": "none"}

	urn := s.run("pull_request", pullRequestEvent("opened", 9, nil), with(none, "target", "urn:pulumi:*::act::pulumi:pulumi:Stack::*"))
	if urn.code != 2 || !strings.Contains(urn.stdout, "is a Pulumi URN, and the blueprint's engine is terraform: give resource addresses") {
		t.Errorf("a URN with engine terraform: %s", urn)
	}
	// The none module has terraform_data.env and terraform_data.prenv_lifetime.
	env := s.run("pull_request", pullRequestEvent("opened", 9, nil), with(none, "target", "terraform_data.env", "message", "PR #9", "target-dependents", "true"))
	if env.code != 0 || !strings.Contains(env.outputs["output"], "prenv up of pr-9: 1 create") {
		t.Fatalf("an up limited to terraform_data.env: %s\noutput: %s", env, env.outputs["output"])
	}
	for _, notice := range []string{"::notice::prenv ignores the message input", "::notice::prenv ignores target-dependents"} {
		if !strings.Contains(env.stdout, notice) {
			t.Errorf("no notice %q: %s", notice, env)
		}
	}
	rest := s.run("pull_request", pullRequestEvent("synchronize", 9, nil), none)
	if rest.code != 0 || !strings.Contains(rest.outputs["output"], "prenv up of pr-9: 1 create") {
		t.Errorf("the untargeted up after it creates the lifetime alone: %s\noutput: %s", rest, rest.outputs["output"])
	}
	if closed := s.run("pull_request", pullRequestEvent("closed", 9, nil), none); closed.code != 0 {
		t.Errorf("closed: %s", closed)
	}
}
