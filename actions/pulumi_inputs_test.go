package actions

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/prenv/prenv/automation"
	pulumiengine "github.com/prenv/prenv/automation/pulumi"
	"github.com/prenv/prenv/stacks"
)

func readInputs(t *testing.T, inputs map[string]string) (Inputs, error) {
	t.Helper()
	env := map[string]string{}
	for k, v := range inputs {
		env[InputEnv(k)] = v
	}
	r, _ := runner(t, env)
	return ReadInputs(r)
}

func TestTargetInputs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, target string
		want         []string
		err          string
	}{
		{"empty", "", nil, ""},
		{"lines", "urn:pulumi:*::shop::prenv:local:Service::web\n\n  urn:pulumi:pr-1::shop::prenv:local:Route::route  \n", []string{"urn:pulumi:*::shop::prenv:local:Service::web", "urn:pulumi:pr-1::shop::prenv:local:Route::route"}, ""},
		{"commas", "terraform_data.env, terraform_data.prenv_lifetime", []string{"terraform_data.env", "terraform_data.prenv_lifetime"}, ""},
		{"a deploy target", "none", nil, `input target: "none" names a deploy target, but target takes resource URNs, as pulumi/actions' does: use deploy-target: none`},
		{"aws among URNs", "urn:pulumi:*::shop::prenv:local:Service::web\naws", nil, "use deploy-target: aws"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in, err := readInputs(t, map[string]string{"target": tc.target})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("err = %v; want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil || !slices.Equal(in.Targets, tc.want) {
				t.Errorf("Targets = %q, %v; want %q", in.Targets, err, tc.want)
			}
		})
	}
	in, err := readInputs(t, map[string]string{"deploy-target": "none", "target-dependents": "true"})
	if err != nil || in.DeployTarget != stacks.TargetNone || !in.TargetDependents {
		t.Errorf("deploy-target none, target-dependents: %+v, %v", in, err)
	}
	if _, err := readInputs(t, map[string]string{"deploy-target": "gcp"}); err == nil || !strings.Contains(err.Error(), "input deploy-target") {
		t.Errorf("deploy-target gcp: %v", err)
	}
}

func TestCheckTargets(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		engine  stacks.EngineName
		targets []string
		err     string
	}{
		{stacks.EnginePulumi, []string{"urn:pulumi:pr-1::shop::prenv:local:Service::web", "urn:pulumi:*::shop::**"}, ""},
		{stacks.EnginePulumi, []string{"prenv:local:Service::web"}, "is not a Pulumi resource URN: give urn:pulumi:<stack>::<project>::<type>::<name>"},
		{stacks.EnginePulumi, []string{"terraform_data.env"}, "is not a Pulumi resource URN"},
		{stacks.EngineTerraform, []string{"terraform_data.env", `module.db.aws_db_instance.this["a"]`}, ""},
		{stacks.EngineTerraform, []string{"urn:pulumi:pr-1::shop::prenv:local:Service::web"}, "is a Pulumi URN, and the blueprint's engine is terraform"},
		{stacks.EngineTerraform, []string{"terraform_data.env terraform_data.x"}, "is not a Terraform resource address"},
	} {
		err := checkTargets(tc.engine, tc.targets)
		if (tc.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("checkTargets(%s, %q) = %v; want %q", tc.engine, tc.targets, err, tc.err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "input target: ") {
			t.Errorf("error %q does not name the input", err)
		}
	}
}

func TestConfigMapInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, yaml    string
		plain, secret map[string]string
		err           string
	}{
		{"plain strings", "{app:replicas: '2', debug: true}", map[string]string{"app:replicas": "2", "debug": "true"}, map[string]string{}, ""},
		{"pulumi/actions' form", "app:token: {value: s3cr3t, secret: true}\napp:region: {value: eu-west-1, secret: false}\napp:size: {value: 3}",
			map[string]string{"app:region": "eu-west-1", "app:size": "3"}, map[string]string{"app:token": "s3cr3t"}, ""},
		{"both forms", "a: one\nb: {value: two, secret: True}", map[string]string{"a": "one"}, map[string]string{"b": "two"}, ""},
		{"not a map", "[1, 2]", nil, nil, "input config-map: not a YAML map"},
		{"no value", "a: {secret: true}", nil, nil, `input config-map: key "a": no value`},
		{"secret not a boolean", "a: {value: x, secret: 'yes'}", nil, nil, `key "a": secret must be a scalar`},
		{"unknown field", "a: {value: x, secure: true}", nil, nil, `key "a": unknown field "secure"`},
		{"a list", "a: [1]", nil, nil, `key "a": a list is not a config value`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in, err := readInputs(t, map[string]string{"config-map": tc.yaml})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("err = %v; want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil || !maps.Equal(in.ConfigMap, tc.plain) || !maps.Equal(in.ConfigSecrets, tc.secret) {
				t.Errorf("config-map = %v, secrets %v, %v; want %v and %v", in.ConfigMap, in.ConfigSecrets, err, tc.plain, tc.secret)
			}
		})
	}
}

func TestPulumiVersionInput(t *testing.T) {
	t.Parallel()
	pin := pulumiengine.Version.String()
	for _, v := range []string{"", pin, "v" + pin} {
		if in, err := readInputs(t, map[string]string{"pulumi-version": v}); err != nil || (v != "" && in.PulumiVersion != pin) {
			t.Errorf("pulumi-version %q: %q, %v; want it accepted", v, in.PulumiVersion, err)
		}
	}
	for _, v := range []string{"3.100.0", "^3", "latest"} {
		_, err := readInputs(t, map[string]string{"pulumi-version": v})
		if err == nil || !strings.Contains(err.Error(), "input pulumi-version: \""+v+"\" is not the pulumi CLI this prenv runs, "+pin) {
			t.Errorf("pulumi-version %q: err = %v; want one naming the pin %s", v, err, pin)
		}
	}
}

func TestPulumiActionsInputs(t *testing.T) {
	t.Parallel()
	in, err := readInputs(t, map[string]string{"command": "update", "suppress-outputs": "true", "expect-no-changes": "true", "message": "PR #7"})
	if err != nil || in.Command != ModeUp || !in.SuppressOutputs || !in.ExpectNoChanges || in.Message != "PR #7" {
		t.Errorf("inputs = %+v, %v; want update read as up, and the rest set", in, err)
	}
	if in, err := readInputs(t, nil); err != nil || in.WorkDir != "./" || in.SuppressOutputs || in.ExpectNoChanges || in.Targets != nil {
		t.Errorf("defaults = %+v, %v", in, err)
	}
}

func TestExpectNoChanges(t *testing.T) {
	t.Parallel()
	create := automation.Result{Op: "preview", Stack: "pr-7", Changes: map[string]int{"create": 2, "same": 1}}
	refresh := automation.Result{Op: "refresh", Stack: "pr-7", Changes: map[string]int{"update": 1}}
	none := automation.Result{Op: "preview", Stack: "pr-7", Changes: map[string]int{"same": 3, "read": 1}}
	for _, tc := range []struct {
		name   string
		expect bool
		res    automation.Result
		want   string
	}{
		{"changes expected", false, create, ""},
		{"no changes", true, none, ""},
		{"no result", true, automation.Result{Op: "up", Stack: "pr-7"}, ""},
		{"a preview's creates", true, create, "expect-no-changes is set, and pr-7 would change: 2 create"},
		{"a refresh's drift", true, refresh, "expect-no-changes is set, and the refresh of pr-7 changed: 1 update"},
	} {
		err := unexpectedChanges(Inputs{ExpectNoChanges: tc.expect}, tc.res)
		var ce *ChangesError
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v; want none", tc.name, err)
		case tc.want != "" && (!errors.As(err, &ce) || err.Error() != tc.want):
			t.Errorf("%s: %v; want %q", tc.name, err, tc.want)
		}
	}
}

func TestRedactAndTranscript(t *testing.T) {
	t.Parallel()
	r, out := runner(t, nil)
	r.AddMask("s3cr3t\nsecond-line")
	r.AddMask("s3cr3t-longer")
	if got := r.Redact("a s3cr3t-longer b s3cr3t c second-line"); got != "a *** b *** c ***" {
		t.Errorf("Redact = %q", got)
	}
	if !strings.Contains(out.String(), "::add-mask::second-line\n") {
		t.Errorf("AddMask wrote %q", out.String())
	}

	tr := newTranscript(16)
	for _, line := range []string{"line one\n", "line two\n", "line three\n", "end\n"} {
		_, _ = tr.Write([]byte(line))
	}
	if got, want := tr.String(), "[18 bytes cut; the step's log has them all]\nline three\nend\n"; got != want {
		t.Errorf("transcript = %q; want %q", got, want)
	}
	short := newTranscript(100)
	_, _ = short.Write([]byte("  create prenv:local:Service web\n"))
	if got := short.String(); got != "  create prenv:local:Service web\n" {
		t.Errorf("a short transcript = %q", got)
	}
}
