package aws_test

import (
	"math"
	"strings"
	"testing"

	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/aws"
)

func TestFootprint(t *testing.T) {
	t.Parallel()
	requests := "  requests: {cpu: 500m, memory: 1Gi}\n"
	twoServices := "services:\n  - {name: web, image: example.com/web, entry: true, paths: [web/**]}\n  - {name: api, image: example.com/api, paths: [api/**]}\n  - {name: auth, image: example.com/auth, shared: true}\n"
	tests := []struct {
		name     string
		old, new string
		aws      string // more lines of the aws section
		changed  []string
		want     stacks.Footprint
	}{
		{name: "rds: the class and one service's default requests", want: stacks.Footprint{DatabaseClass: "db.t4g.micro", VCPU: 0.1, MemoryGiB: 0.125}},
		{name: "aurora with a larger class", old: "source: rds-snapshot", new: "source: aurora-clone", aws: "  instance-class: db.r6g.large\n", want: stacks.Footprint{DatabaseClass: "db.r6g.large", VCPU: 0.1, MemoryGiB: 0.125}},
		{name: "aurora: the default class for its source", old: "source: rds-snapshot", new: "source: aurora-clone", want: stacks.Footprint{DatabaseClass: "db.t4g.medium", VCPU: 0.1, MemoryGiB: 0.125}},
		{name: "ebs: postgres runs in the namespace", old: "source: rds-snapshot", new: "source: ebs-snapshot", want: stacks.Footprint{VCPU: 0.35, MemoryGiB: 0.625}},
		{name: "stateless", old: "database:\n  source: rds-snapshot\n  golden: golden-1\n  anonymize:\n    rules:\n      users.email: {transformer: email}\n", want: stacks.Footprint{VCPU: 0.1, MemoryGiB: 0.125}},
		{name: "isolated: every service but the shared one, with set requests", old: "services:\n  - {name: web, image: example.com/web}\n", new: twoServices + "routing: {mode: isolated}\n", aws: requests,
			want: stacks.Footprint{DatabaseClass: "db.t4g.micro", VCPU: 1, MemoryGiB: 2}},
		{name: "sandbox: only the changed service", old: "services:\n  - {name: web, image: example.com/web}\n", new: twoServices + "routing: {mode: sandbox}\n", aws: requests,
			changed: []string{"api/main.go"}, want: stacks.Footprint{DatabaseClass: "db.t4g.micro", VCPU: 0.5, MemoryGiB: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := awsBlueprint
			if tt.old != "" {
				if !strings.Contains(src, tt.old) {
					t.Fatalf("the blueprint has no %q", tt.old)
				}
				src = strings.Replace(src, tt.old, tt.new, 1)
			}
			src += tt.aws
			bp, err := stacks.Parse("prenv.yaml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			env, err := stacks.NewEnv(bp, stacks.EnvOptions{PR: 3, SHA: "abc"})
			if err != nil {
				t.Fatal(err)
			}
			got, err := aws.Target{Changed: tt.changed}.Footprint(bp, env)
			if err != nil || got != tt.want {
				t.Errorf("Footprint = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

// A stub counts its own small requests, not aws.requests.
func TestFootprintOfAStub(t *testing.T) {
	t.Parallel()
	src := strings.Replace(awsBlueprint, "services:\n  - {name: web, image: example.com/web}\n",
		"services:\n  - {name: web, image: example.com/web, entry: true}\n  - {name: payments, stub: {mappings: stubs/payments}}\n", 1) +
		"  stub-image: example.com/prenv\n  requests: {cpu: 500m, memory: 1Gi}\n"
	bp, err := stacks.Parse("prenv.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	env, err := stacks.NewEnv(bp, stacks.EnvOptions{PR: 3, SHA: "abc"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := aws.Target{}.Footprint(bp, env)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got.VCPU-0.52) > 1e-9 || math.Abs(got.MemoryGiB-(1+32.0/1024)) > 1e-9 || got.DatabaseClass != "db.t4g.micro" {
		t.Errorf("Footprint = %+v; want web's 500m and 1Gi plus the stub's 20m and 32Mi", got)
	}
}
