package stacks

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadValid(t *testing.T) {
	t.Parallel()
	bp, err := Load("testdata/valid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"project", bp.Project, "shop"},
		{"engine default", bp.Engine, EnginePulumi},
		{"ttl in days", bp.TTL.Duration, 72 * time.Hour},
		{"max-ttl default", bp.Policy.MaxTTL.Duration, 7 * 24 * time.Hour},
		{"health default", bp.Services[1].Health, "/healthz"},
		{"header default", bp.Routing.Header, "x-prenv-route"},
		{"domain default", bp.DNS.Domain, "localhost"},
		{"scope default", bp.Database.Anonymize.Scope, "migrations"},
		{"rule", bp.Database.Anonymize.Rules["users.email"].Transformer, "email"},
		{"entry", bp.EntryService().Name, "web"},
		{"clone default", bp.Database.Clone, CloneAuto},
		{"thin shared_buffers default", bp.Database.Thin.SharedBuffers, "16MB"},
		{"thin max_connections default", bp.Database.Thin.MaxConnections, 40},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		yaml string
		want []string // each must appear in the error, in order of lines
	}{
		{
			name: "unknown top-level key",
			yaml: "project: shop\ntarget: none\nprojet: x\n",
			want: []string{"prenv.yaml:3: projet: unknown field; allowed here: project, engine, target"},
		},
		{
			name: "unknown nested key",
			yaml: "project: shop\ntarget: none\nservices:\n  - name: web\n    prot: 80\n",
			want: []string{"prenv.yaml:5: services[0].prot: unknown field; allowed here: name, entry, port"},
		},
		{
			name: "enum",
			yaml: "project: shop\nengine: pullumi\n",
			want: []string{`prenv.yaml:2: engine: "pullumi" is not allowed; use one of pulumi or terraform`},
		},
		{
			name: "wrong type",
			yaml: "project: shop\ntarget: none\nservices:\n  - name: web\n    port: eighty\n",
			want: []string{`prenv.yaml:5: services[0].port: must be a whole number, got "eighty"`},
		},
		{
			name: "port out of range",
			yaml: "project: shop\ntarget: none\nservices:\n  - name: web\n    port: 70000\n",
			want: []string{"prenv.yaml:5: services[0].port: 70000 is out of range; use 1-65535"},
		},
		{
			name: "missing project",
			yaml: "target: none\n",
			want: []string{"prenv.yaml:1: project: is required"},
		},
		{
			name: "bad duration",
			yaml: "project: shop\nttl: forever\n",
			want: []string{`prenv.yaml:2: ttl: "forever" is not a duration`},
		},
		{
			name: "ttl over policy",
			yaml: "project: shop\ntarget: none\nttl: 30d\n",
			want: []string{"prenv.yaml:3: ttl: 720h0m0s is longer than policy.max-ttl 168h0m0s"},
		},
		{
			name: "local service without run, and two problems at once",
			yaml: "project: Shop\ntarget: local\nservices:\n  - name: web\n",
			want: []string{"prenv.yaml:1: project:", "prenv.yaml:4: services[0].run: is required on the local target"},
		},
		{
			name: "duplicate service",
			yaml: "project: shop\ntarget: none\nservices:\n  - name: web\n    entry: true\n  - name: web\n",
			want: []string{`prenv.yaml:6: services[1].name: "web" is used by another service`},
		},
		{
			name: "bad backend",
			yaml: "project: shop\nbackend: ftp://x\n",
			want: []string{`prenv.yaml:2: backend: "ftp://x" is not a state backend URL`},
		},
		{
			name: "database section without a golden",
			yaml: "project: shop\ntarget: local\nservices:\n  - {name: web, run: ./web}\ndatabase:\n  migrations: db/migrations\n",
			want: []string{"prenv.yaml:5: database.golden: is required in a database section", "leave the database section out"},
		},
		{
			name: "clone method",
			yaml: "project: shop\ntarget: local\nservices:\n  - {name: web, run: ./web}\ndatabase:\n  golden: g.sql\n  clone: zfs\n",
			want: []string{`prenv.yaml:7: database.clone: "zfs" is not allowed; use one of auto, thin or template`},
		},
		{
			name: "thin settings PostgreSQL cannot read",
			yaml: "project: shop\ntarget: local\nservices:\n  - {name: web, run: ./web}\ndatabase:\n  golden: g.sql\n  thin:\n    shared-buffers: 16 megs\n    max-connections: 3\n",
			want: []string{`prenv.yaml:8: database.thin.shared-buffers: "16 megs" is not a size PostgreSQL reads`, "prenv.yaml:9: database.thin.max-connections: 3 is out of range; use 10-10000"},
		},
		{
			name: "clone on another target",
			yaml: "project: shop\ntarget: none\ndatabase:\n  golden: g.sql\n  clone: thin\n",
			want: []string{"prenv.yaml:5: database.clone: is the local target's; on none leave it out"},
		},
		{
			name: "bad secrets provider",
			yaml: "project: shop\nsecrets-provider: kms://alias/prenv\n",
			want: []string{`prenv.yaml:2: secrets-provider: "kms://alias/prenv" is not a secrets provider: use passphrase, or a key's URL`},
		},
		{
			name: "a stub with a program's fields",
			yaml: "project: shop\ntarget: local\nservices:\n  - name: payments\n    entry: true\n    run: ./payments\n    image: x/payments\n    env: {A: b}\n    health: /ready\n    stub: {mappings: stubs/payments}\n",
			want: []string{
				"prenv.yaml:6: services[0].run: payments is a stub, which prenv serves from stub.mappings: remove run",
				"prenv.yaml:7: services[0].image: payments is a stub, which prenv serves from stub.mappings: remove image",
				"prenv.yaml:8: services[0].env: payments is a stub, which reads no environment: remove env",
				"prenv.yaml:9: services[0].health: payments is a stub, which answers its health at /__admin/health: remove health",
			},
		},
		{
			name: "a stub without mappings",
			yaml: "project: shop\ntarget: local\nservices:\n  - name: payments\n    stub: {}\n",
			want: []string{"prenv.yaml:5: services[0].stub.mappings: is required"},
		},
		{
			name: "a stub on aws without a stub image",
			yaml: "project: shop\ntarget: aws\ndns: {domain: preview.example.com}\naws: {region: eu-west-1, gateway: istio-system/preview, gateway-hostname: lb.example.com, hosted-zone-id: Z1}\nservices:\n  - {name: payments, stub: {mappings: stubs/payments}}\n",
			want: []string{"prenv.yaml:4: aws.stub-image: is required on the aws target: an image holding prenv that serves the stub services"},
		},
		{
			name: "syntax",
			yaml: "project: [\n",
			want: []string{"prenv.yaml: yaml: line", "fix the YAML syntax"},
		},
		{
			name: "empty",
			yaml: "",
			want: []string{"the blueprint is empty"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("prenv.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatal("Parse succeeded, want an error")
			}
			var be *BlueprintError
			if !errors.As(err, &be) {
				t.Fatalf("error %T is not a *BlueprintError", err)
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error\n%s\ndoes not contain\n%s", msg, w)
				}
			}
			for _, line := range strings.Split(msg, "\n") {
				if line == "" {
					t.Errorf("error has an empty line: %q", msg)
				}
			}
		})
	}
}

func TestStubService(t *testing.T) {
	t.Parallel()
	yaml := "project: shop\ntarget: local\nservices:\n  - {name: web, entry: true, run: ./web}\n  - {name: payments, stub: {mappings: stubs/payments}}\n"
	bp, err := Parse("prenv.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	web, payments := bp.Services[0], bp.Services[1]
	if web.IsStub() || !payments.IsStub() || !bp.HasStubs() {
		t.Errorf("IsStub: web %v, payments %v; HasStubs %v", web.IsStub(), payments.IsStub(), bp.HasStubs())
	}
	if payments.Health != StubHealth || web.Health != DefaultHealth {
		t.Errorf("health: payments %q, web %q; want %q and %q", payments.Health, web.Health, StubHealth, DefaultHealth)
	}
}

func TestLoadMissingFile(t *testing.T) {
	t.Parallel()
	_, err := Load(filepath.Join(t.TempDir(), "prenv.yaml"))
	if err == nil || !strings.Contains(err.Error(), "not found: create it") {
		t.Fatalf("Load of a missing file: error = %v", err)
	}
}

func TestJSONSchema(t *testing.T) {
	t.Parallel()
	data, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Required   []string                   `json:"required"`
		Additional bool                       `json:"additionalProperties"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Required) != 1 || s.Required[0] != "project" {
		t.Errorf("required = %v, want [project]", s.Required)
	}
	if s.Additional {
		t.Error("additionalProperties = true, want false so unknown keys are flagged")
	}
	for _, key := range []string{"project", "engine", "target", "ttl", "backend", "secrets-provider", "services", "database", "routing", "dns", "policy"} {
		if _, ok := s.Properties[key]; !ok {
			t.Errorf("schema has no property %q", key)
		}
	}
	if !strings.Contains(string(s.Properties["engine"]), `"terraform"`) {
		t.Errorf("engine property has no enum: %s", s.Properties["engine"])
	}
}

func TestExamplesLoad(t *testing.T) {
	t.Parallel()
	matches, err := filepath.Glob("../examples/*/prenv.yaml")
	if err != nil || len(matches) == 0 {
		t.Fatalf("no example blueprints found under ../examples (err %v)", err)
	}
	for _, m := range matches {
		if _, err := Load(m); err != nil {
			t.Errorf("example %s does not load: %v", m, err)
		}
	}
}

// TestStatelessBlueprint: without a database section a blueprint is valid
// on every target, has no database and gets no database defaults, which
// would otherwise fail the aws checks (source template is local's).
func TestStatelessBlueprint(t *testing.T) {
	t.Parallel()
	for _, target := range []string{"local", "aws"} {
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			src := "project: shop\ntarget: " + target + "\nservices:\n  - {name: web, run: ./web, image: example.com/web}\n"
			if target == "aws" {
				src += "dns: {domain: preview.example.com}\naws: {region: eu-west-1, gateway: istio-system/preview, gateway-hostname: lb.example.com, hosted-zone-id: Z1}\n"
			}
			bp, err := Parse("prenv.yaml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			if bp.HasDatabase() || bp.Database.Source != "" || bp.Database.Engine != "" {
				t.Errorf("HasDatabase = %v, source %q, engine %q; want no database and no database defaults", bp.HasDatabase(), bp.Database.Source, bp.Database.Engine)
			}
		})
	}
	bp, err := Load("testdata/valid.yaml")
	if err != nil || !bp.HasDatabase() {
		t.Errorf("testdata/valid.yaml: HasDatabase = false, %v; want its golden to give it a database", err)
	}
}
