package aws_test

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/modules"
	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/aws"
)

// moduleVars are modules/aws's variables for env, as prenv's Terraform
// engine passes them: the standard ones, the target's, and its secrets
// (TF_VAR_ in the process environment).
func moduleVars(t *testing.T, bp *stacks.Blueprint, env stacks.Env, target aws.Target) map[string]any {
	t.Helper()
	vars, err := target.TerraformVars(t.Context(), bp, env)
	if err != nil {
		t.Fatal(err)
	}
	vars["pr_number"], vars["env_name"], vars["git_sha"] = env.PR, env.Name, env.SHA
	vars["created_at"], vars["expires_at"] = env.CreatedAt.UTC().Format(time.RFC3339), env.ExpiresAt.UTC().Format(time.RFC3339)
	for k, v := range target.TerraformEnv() {
		vars[strings.TrimPrefix(k, "TF_VAR_")] = v
	}
	return vars
}

// objectKey names a Kubernetes object: kind, namespace and name.
func objectKey(m map[string]any) string {
	meta := m["metadata"].(map[string]any)
	ns, _ := meta["namespace"].(string)
	return fmt.Sprintf("%s %s/%s", m["kind"], ns, meta["name"])
}

// withoutPulumiAwait drops the annotation that only tells pulumi-kubernetes
// not to wait (Terraform's kubernetes_manifest does not wait unless told).
func withoutPulumiAwait(m map[string]any) map[string]any {
	meta := m["metadata"].(map[string]any)
	if a, ok := meta["annotations"].(map[string]any); ok {
		delete(a, "pulumi.com/skipAwait")
		if len(a) == 0 {
			delete(meta, "annotations")
		}
	}
	return m
}

// diff lists where got (the module's) differs from want (the program's).
// A value only an apply knows matches anything; a masked secret matches
// any value but an empty one.
func diff(path string, got, want any) []string {
	if got == unknownValue || want == unknownValue {
		return nil
	}
	if want == aws.Masked {
		if got == nil || got == "" {
			return []string{fmt.Sprintf("%s: %q, want a secret", path, got)}
		}
		return nil
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %v, want %v", path, got, want)}
		}
		var out []string
		for _, k := range slices.Sorted(maps.Keys(w)) {
			if _, ok := g[k]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: missing, want %v", path, k, w[k]))
				continue
			}
			out = append(out, diff(path+"."+k, g[k], w[k])...)
		}
		for _, k := range slices.Sorted(maps.Keys(g)) {
			if _, ok := w[k]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: %v, which the program does not set", path, k, g[k]))
			}
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: %v, want %v", path, got, want)}
		}
		var out []string
		for i := range w {
			out = append(out, diff(fmt.Sprintf("%s[%d]", path, i), g[i], w[i])...)
		}
		return out
	}
	if !reflect.DeepEqual(got, want) {
		return []string{fmt.Sprintf("%s: %v, want %v", path, got, want)}
	}
	return nil
}

// awsFields are the inputs compared on each AWS type, by Pulumi name;
// modules/aws spells them in snake case.
var awsFields = map[string][]string{
	"aws:ec2/securityGroup:SecurityGroup":     {"namePrefix", "description", "vpcId", "ingress"},
	"aws:rds/instance:Instance":               {"identifierPrefix", "snapshotIdentifier", "instanceClass", "dbSubnetGroupName", "skipFinalSnapshot", "deletionProtection", "publiclyAccessible", "applyImmediately"},
	"aws:rds/cluster:Cluster":                 {"clusterIdentifierPrefix", "engine", "dbSubnetGroupName", "skipFinalSnapshot", "deletionProtection", "applyImmediately", "restoreToPointInTime"},
	"aws:rds/clusterInstance:ClusterInstance": {"identifierPrefix", "instanceClass"},
	"aws:route53/record:Record":               {"zoneId", "name", "type", "ttl", "records"},
}

// awsInputs is a module resource's attributes by Pulumi name: a block of
// at most one becomes an object, as in Pulumi.
func awsInputs(body map[string]any, want map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range body {
		k = camel(k)
		if l, ok := v.([]any); ok && len(l) == 1 {
			if _, isMap := want[k].(map[string]any); isMap {
				v = l[0]
			}
		}
		if m, ok := v.(map[string]any); ok {
			v = awsInputs(m, nil)
		}
		if l, ok := v.([]any); ok {
			for i, e := range l {
				if m, ok := e.(map[string]any); ok {
					l[i] = awsInputs(m, nil)
				}
			}
		}
		out[k] = v
	}
	return out
}

// parityCase is one environment rendered by both engines.
type parityCase struct {
	name   string
	bp     *stacks.Blueprint
	env    stacks.Env
	target aws.Target
}

func parityCases(t *testing.T) []parityCase {
	t.Helper()
	var cases []parityCase
	for _, source := range sources {
		for _, mode := range modes {
			bp := example(t, source, mode)
			cases = append(cases, parityCase{source + "/" + mode, bp, prEnv(t, bp, 7), changedWeb})
		}
	}
	for _, mode := range modes {
		bp := example(t, "ebs-snapshot", mode)
		env, err := stacks.NewEnv(bp, stacks.EnvOptions{Name: stacks.BaselineName, Repo: "acme/shop", SHA: "beef"})
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, parityCase{"baseline/" + mode, bp, env, changedWeb})
	}
	bp := interceptorBlueprint(t, "sandbox")
	bp.AWS.IstioRevision = "1-22"
	bp.Database.Migrate = "make migrate"
	cases = append(cases, parityCase{"interceptor, revision, migrate command", bp, prEnv(t, bp, 7), changedWeb})
	stateless, err := parseAWS(t, "database:\n  source: rds-snapshot\n  golden: golden-1\n  anonymize:\n    rules:\n      users.email: {transformer: email}\n", "")
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, parityCase{"stateless", stateless, prEnv(t, stateless, 7), aws.Target{}})
	return cases
}

// TestModuleMatchesProgramByField renders each environment with the Pulumi
// program and evaluates modules/aws with the variables prenv gives it, and
// compares every Kubernetes object field by field (names, labels, ports,
// env, policies, the Job's command and scripts) and the AWS resources' key
// inputs. A change to one engine's environment without the other's fails
// here.
func TestModuleMatchesProgramByField(t *testing.T) {
	t.Parallel()
	pulumiType := map[string]string{}
	for _, r := range modules.AWSResources {
		typ, _, _ := strings.Cut(r.Terraform, ".")
		if strings.HasPrefix(typ, "aws_") { // a random password has nothing to compare

			pulumiType[typ] = r.Pulumi
		}
	}
	for _, c := range parityCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r, err := aws.Render(c.bp, c.env, c.target)
			if err != nil {
				t.Fatal(err)
			}
			program := map[string]map[string]any{}
			for _, m := range r.Manifests() {
				program[objectKey(m)] = withoutPulumiAwait(m)
			}
			module := map[string]map[string]any{}
			var moduleAWS []tfResource
			for _, res := range evaluateModule(t, "aws", moduleVars(t, c.bp, c.env, c.target)) {
				switch {
				case res.Type == "kubernetes_manifest":
					m := res.Body["manifest"].(map[string]any)
					module[objectKey(m)] = m
				case pulumiType[res.Type] != "":
					moduleAWS = append(moduleAWS, res)
				}
			}
			if g, w := slices.Sorted(maps.Keys(module)), slices.Sorted(maps.Keys(program)); !slices.Equal(g, w) {
				t.Fatalf("modules/aws makes\n  %s\nthe program makes\n  %s", strings.Join(g, "\n  "), strings.Join(w, "\n  "))
			}
			for k, want := range program {
				for _, d := range diff(k, module[k], want) {
					t.Error(d)
				}
			}
			for _, res := range moduleAWS {
				typ := pulumiType[res.Type]
				found := r.Find(typ)
				if len(found) != 1 {
					t.Errorf("modules/aws makes %s.%s, the program %d %s", res.Type, res.Name, len(found), typ)
					continue
				}
				want := found[0].Inputs
				got := awsInputs(res.Body, want)
				for _, f := range awsFields[typ] {
					for _, d := range diff(res.Type+"."+f, got[f], want[f]) {
						t.Error(d)
					}
				}
				if typ != "aws:route53/record:Record" {
					gotTags, _ := got["tags"].(map[string]any)
					wantTags, _ := want["tags"].(map[string]any)
					if gotName, wantName := fmt.Sprint(gotTags["Name"]), fmt.Sprint(wantTags["Name"]); gotName != wantName {
						t.Errorf("%s tag Name %s, want %s", res.Type, gotName, wantName)
					}
				}
			}
			if n := len(r.Find("aws:rds/instance:Instance")) + len(r.Find("aws:rds/cluster:Cluster")) + len(r.Find("aws:route53/record:Record")); n > 0 && len(moduleAWS) == 0 {
				t.Errorf("the program makes %d AWS resources, modules/aws none", n)
			}
		})
	}
}
