package policy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/policy"
)

// base is an environment that breaks no rule: a namespace with its
// default-deny policy, a host behind a CUSTOM AuthorizationPolicy, an internal load balancer, a tagged RDS instance
// from an allowed snapshot of an allowed class, and an untaggable record.
func base() policy.Input {
	tags := map[string]any{"prenv:expires-at": "2026-11-24T10:00:00Z", "managed-by": "prenv"}
	return policy.Input{
		AllowedSnapshots:       []string{"golden-1", "golden-cluster", "snap-1"},
		AllowedInstanceClasses: []string{"db.t4g.micro"},
		Resources: []policy.Resource{
			{Type: "kubernetes:core/v1:Namespace", Name: "namespace", Inputs: map[string]any{"metadata": map[string]any{"name": "pr-7"}}},
			{Type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", Name: "default-deny", Inputs: map[string]any{
				"metadata": map[string]any{"name": "default-deny", "namespace": "pr-7"},
				"spec":     map[string]any{"podSelector": map[string]any{}, "policyTypes": []any{"Ingress", "Egress"}},
			}},
			{Type: "kubernetes:core/v1:Service", Name: "lb", Inputs: map[string]any{
				"metadata": map[string]any{"name": "lb", "annotations": map[string]any{"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"}},
				"spec":     map[string]any{"type": "LoadBalancer"},
			}},
			{Type: "aws:rds/instance:Instance", Name: "database", Inputs: map[string]any{"snapshotIdentifier": "golden-1", "instanceClass": "db.t4g.micro", "tags": tags}},
			{Type: "aws:rds/cluster:Cluster", Name: "cluster", Inputs: map[string]any{"restoreToPointInTime": map[string]any{"sourceClusterIdentifier": "golden-cluster"}, "tags": tags}},
			{Type: "kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshotContent", Name: "golden-content", Inputs: map[string]any{"spec": map[string]any{"source": map[string]any{"snapshotHandle": "snap-1"}}}},
			{Type: "aws:route53/record:Record", Name: "host", Inputs: map[string]any{"name": "pr-7.example.com"}},
			{Type: "kubernetes:networking.istio.io/v1:VirtualService", Name: "host", Inputs: map[string]any{
				"spec": map[string]any{"hosts": []any{"pr-7.example.com"}, "gateways": []any{"istio-system/preview"}},
			}},
			{Type: "kubernetes:security.istio.io/v1:AuthorizationPolicy", Name: "access", Inputs: map[string]any{"spec": map[string]any{
				"action": "CUSTOM", "provider": map[string]any{"name": "oauth2-proxy"},
				"rules": []any{map[string]any{"to": []any{map[string]any{"operation": map[string]any{"hosts": []any{"pr-7.example.com"}}}}}},
			}}},
		},
	}
}

// find returns the resource named name in in, to change it.
func find(in *policy.Input, name string) map[string]any {
	for _, r := range in.Resources {
		if r.Name == name {
			return r.Inputs
		}
	}
	panic("no resource " + name)
}

func TestEachRulePassesAndFails(t *testing.T) {
	t.Parallel()
	p, err := policy.New(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		mutate func(in *policy.Input)
		want   string // the one violation, "" for none
	}{
		{name: "all rules pass", mutate: func(*policy.Input) {}},
		{name: "public load balancer", want: "policy public-load-balancer: lb is a public LoadBalancer Service", mutate: func(in *policy.Input) {
			find(in, "lb")["metadata"] = map[string]any{"name": "lb"}
		}},
		{name: "public load balancer allowed", mutate: func(in *policy.Input) {
			find(in, "lb")["metadata"] = map[string]any{"name": "lb", "annotations": map[string]any{"prenv.dev/public-load-balancer": "allowed"}}
		}},
		{name: "rds snapshot not allowed", want: `policy allowed-snapshots: database restores from "prod-raw"`, mutate: func(in *policy.Input) {
			find(in, "database")["snapshotIdentifier"] = "prod-raw"
		}},
		{name: "aurora source not allowed", want: `policy allowed-snapshots: cluster restores from "prod-cluster"`, mutate: func(in *policy.Input) {
			find(in, "cluster")["restoreToPointInTime"] = map[string]any{"sourceClusterIdentifier": "prod-cluster"}
		}},
		{name: "ebs snapshot not allowed", want: `policy allowed-snapshots: golden-content restores from "snap-raw"`, mutate: func(in *policy.Input) {
			find(in, "golden-content")["spec"] = map[string]any{"source": map[string]any{"snapshotHandle": "snap-raw"}}
		}},
		{name: "instance class", want: `policy instance-class: database uses instance class "db.r6g.16xlarge"`, mutate: func(in *policy.Input) {
			find(in, "database")["instanceClass"] = "db.r6g.16xlarge"
		}},
		{name: "ttl tag missing", want: "policy ttl-tag: cluster (aws:rds/cluster:Cluster) has no prenv:expires-at tag", mutate: func(in *policy.Input) {
			find(in, "cluster")["tags"] = map[string]any{"managed-by": "prenv"}
		}},
		{name: "no tags at all", want: "policy ttl-tag: database (aws:rds/instance:Instance) has no prenv:expires-at tag", mutate: func(in *policy.Input) {
			delete(find(in, "database"), "tags")
		}},
		{name: "no default deny", want: "policy default-deny: namespace namespace pr-7 has no default-deny NetworkPolicy", mutate: func(in *policy.Input) {
			in.Resources = append(in.Resources[:1], in.Resources[2:]...)
		}},
		{name: "default deny that allows", want: "policy default-deny: namespace namespace pr-7 has no default-deny", mutate: func(in *policy.Input) {
			find(in, "default-deny")["spec"] = map[string]any{"podSelector": map[string]any{}, "policyTypes": []any{"Ingress", "Egress"}, "egress": []any{map[string]any{}}}
		}},
		{name: "public host", want: "policy public-host: host serves pr-7.example.com to anyone", mutate: func(in *policy.Input) {
			find(in, "access")["spec"].(map[string]any)["action"] = "ALLOW"
		}},
		{name: "public host allowed", mutate: func(in *policy.Input) {
			find(in, "access")["spec"].(map[string]any)["action"] = "DENY"
			in.AllowPublic = true
		}},
		{name: "another host protected", want: "policy public-host: host serves pr-7.example.com to anyone", mutate: func(in *policy.Input) {
			find(in, "access")["spec"].(map[string]any)["rules"] = []any{map[string]any{"to": []any{map[string]any{"operation": map[string]any{"hosts": []any{"pr-8.example.com"}}}}}}
		}},
		{name: "default deny of ingress only", want: "policy default-deny: namespace namespace pr-7 has no default-deny", mutate: func(in *policy.Input) {
			find(in, "default-deny")["spec"] = map[string]any{"podSelector": map[string]any{}, "policyTypes": []any{"Ingress"}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := base()
			tt.mutate(&in)
			got, err := p.Evaluate(t.Context(), in)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.want == "" && len(got) > 0:
				t.Errorf("violations %v, want none", got)
			case tt.want != "" && (len(got) != 1 || !strings.HasPrefix(got[0].String(), tt.want)):
				t.Errorf("violations %v, want one starting %q", got, tt.want)
			}
		})
	}
}

func TestTeamRules(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	team := filepath.Join(dir, "team.rego")
	if err := os.WriteFile(team, []byte(`package prenv.policy

deny contains msg if {
	some r in input.resources
	r.type == "aws:rds/instance:Instance"
	r.inputs.instanceClass != "db.t4g.micro"
	msg := "our databases are micro"
}

deny contains {"rule": "no-records", "resource": r.name, "msg": "is not allowed here"} if {
	some r in input.resources
	r.type == "aws:route53/record:Record"
}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := policy.New(t.Context(), team)
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.Evaluate(t.Context(), base())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].String() != "policy no-records: host is not allowed here" {
		t.Errorf("violations %v, want the team's no-records", got)
	}
	in := base()
	find(&in, "database")["instanceClass"] = "db.t4g.small"
	in.AllowedInstanceClasses = append(in.AllowedInstanceClasses, "db.t4g.small")
	got, _ = p.Evaluate(t.Context(), in)
	if len(got) != 2 || got[0].String() != "policy custom: our databases are micro" {
		t.Errorf("violations %v, want the team's bare message first", got)
	}

	bad := filepath.Join(dir, "bad.rego")
	if err := os.WriteFile(bad, []byte("package prenv.policy\ndeny contains x if {\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := policy.New(t.Context(), bad); err == nil || !strings.Contains(err.Error(), "bad.rego") {
		t.Errorf("New with a broken file: %v, want a compile error naming it", err)
	}
	if _, err := policy.New(t.Context(), filepath.Join(dir, "missing.rego")); err == nil || !strings.Contains(err.Error(), "aws.policies") {
		t.Errorf("New with a missing file: %v, want the fix named", err)
	}
}
