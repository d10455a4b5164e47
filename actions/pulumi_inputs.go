package actions

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	pulumiengine "github.com/prenv/prenv/automation/pulumi"
	"github.com/prenv/prenv/stacks"
)

// The inputs whose names pulumi/actions uses too keep its meaning: target
// takes resource URNs, config-map its {key: {value, secret}} form, and
// pulumi-version names the pulumi CLI. The README's "Coming from
// pulumi/actions" tables list every difference, and a test checks them
// against action.yml and testdata/pulumi-actions-inputs.yaml.

// deployTargets are the values of the deploy-target input.
var deployTargets = []string{string(stacks.TargetLocal), string(stacks.TargetAWS), string(stacks.TargetNone)}

// targets reads resource URNs (or Terraform addresses), one a line or
// separated by commas, as pulumi/actions does. A deploy target's name is
// refused: before deploy-target, the target input took one.
func (p *inputParser) targets(name string) []string {
	var out []string
	for _, line := range strings.Split(p.r.Input(name), "\n") {
		for _, t := range strings.Split(line, ",") {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, t)
			}
		}
	}
	for _, t := range out {
		if slices.Contains(deployTargets, t) {
			p.fail(name, fmt.Sprintf("%q names a deploy target, but target takes resource URNs, as pulumi/actions' does: use deploy-target: %s", t, t))
		}
	}
	return out
}

// configMap reads a YAML map of stack config keys to values: a string, or
// pulumi/actions' {value: v, secret: true}. Secret values come back apart.
func (p *inputParser) configMap(name string) (plain, secret map[string]string) {
	v := p.r.Input(name)
	if v == "" {
		return nil, nil
	}
	var m map[string]yaml.Node
	if err := yaml.Unmarshal([]byte(v), &m); err != nil || m == nil {
		p.fail(name, `not a YAML map, such as "{ app:replicas: '2', app:token: { value: abc, secret: true } }"`)
		return nil, nil
	}
	plain, secret = map[string]string{}, map[string]string{}
	for k, node := range m {
		value, isSecret, err := configValue(&node)
		if err != nil {
			p.fail(name, fmt.Sprintf("key %q: %v", k, err))
			continue
		}
		if isSecret {
			secret[k] = value
		} else {
			plain[k] = value
		}
	}
	return plain, secret
}

// configValue reads one config-map value: a scalar, or a map with value
// and, optionally, secret.
func configValue(node *yaml.Node) (value string, secret bool, err error) {
	const forms = "use a string, or {value: <string>, secret: true|false}"
	switch node.Kind {
	case yaml.ScalarNode:
		return node.Value, false, nil
	case yaml.MappingNode:
	default:
		return "", false, fmt.Errorf("a list is not a config value: %s", forms)
	}
	hasValue := false
	for i := 0; i+1 < len(node.Content); i += 2 {
		key, val := node.Content[i].Value, node.Content[i+1]
		switch {
		case key == "value" && val.Kind == yaml.ScalarNode:
			value, hasValue = val.Value, true
		case key == "secret" && val.ShortTag() == "!!bool":
			secret = strings.EqualFold(val.Value, "true")
		case key == "value" || key == "secret":
			return "", false, fmt.Errorf("%s must be a scalar (secret true or false): %s", key, forms)
		default:
			return "", false, fmt.Errorf("unknown field %q: %s", key, forms)
		}
	}
	if !hasValue {
		return "", false, fmt.Errorf("no value: %s", forms)
	}
	return value, secret, nil
}

// pulumiVersion reads the pulumi CLI version asked for. prenv runs the
// CLI it pins, which its image holds; another version is refused rather
// than downloaded, since a job may have no internet and an untested CLI
// is a risk.
func (p *inputParser) pulumiVersion(name string) string {
	v := p.r.Input(name)
	if v == "" {
		return ""
	}
	want := pulumiengine.Version.String()
	if strings.TrimPrefix(v, "v") != want {
		p.fail(name, fmt.Sprintf("%q is not the pulumi CLI this prenv runs, %s (its image holds that one alone): set pulumi-version: %s, leave it empty, or use the prenv release that pins %s", v, want, want, v))
	}
	return want
}

// checkTargets checks the target input against the blueprint's engine:
// Pulumi takes resource URNs, Terraform resource addresses.
func checkTargets(engine stacks.EngineName, targets []string) error {
	for _, t := range targets {
		switch {
		case engine == stacks.EngineTerraform && strings.HasPrefix(t, "urn:"):
			return fmt.Errorf("input target: %q is a Pulumi URN, and the blueprint's engine is terraform: give resource addresses such as terraform_data.env (terraform state list shows them)", t)
		case engine == stacks.EngineTerraform && strings.ContainsAny(t, " \t"):
			return fmt.Errorf("input target: %q is not a Terraform resource address: give one such as module.db.aws_db_instance.this, one a line", t)
		case engine != stacks.EngineTerraform && !strings.HasPrefix(t, "urn:pulumi:"):
			return fmt.Errorf("input target: %q is not a Pulumi resource URN: give urn:pulumi:<stack>::<project>::<type>::<name>, with * as the stack to match every PR's (pulumi stack --show-urns lists them)", t)
		}
	}
	return nil
}
