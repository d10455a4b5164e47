package stacks

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/prenv/prenv/internal/naming"
)

func TestServiceChanged(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		paths []string
		files []string
		want  bool
	}{
		{"deep match", []string{"app/web/**"}, []string{"app/web/cmd/main.go"}, true},
		{"other service", []string{"app/web/**"}, []string{"app/orders/main.go"}, false},
		{"single star stays in a directory", []string{"app/*.go"}, []string{"app/x/y.go"}, false},
		{"single star", []string{"app/*.go"}, []string{"app/y.go"}, true},
		{"no paths means always", nil, []string{"README.md"}, true},
		{"nothing changed", []string{"app/**"}, nil, false},
		{"dots are literal", []string{"a.b"}, []string{"axb"}, false},
		{"unknown changes touch every service", []string{"app/web/**"}, UnknownChanges(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := (Service{Paths: tt.paths}).Changed(tt.files); got != tt.want {
				t.Errorf("Changed(%v) with paths %v = %v, want %v", tt.files, tt.paths, got, tt.want)
			}
		})
	}
}

func TestRunsOwnWithUnknownChanges(t *testing.T) {
	t.Parallel()
	bp := &Blueprint{Routing: Routing{Mode: RoutingSandbox}}
	pr := Env{Names: naming.Names{Name: "pr-7", PR: 7}}
	web, shared := Service{Name: "web", Paths: []string{"web/**"}}, Service{Name: "cache", Shared: true}
	if bp.RunsOwn(web, pr, []string{"api/main.go"}) {
		t.Error("sandbox mode ran web for a PR that changed only api")
	}
	if !bp.RunsOwn(web, pr, UnknownChanges()) {
		t.Error("with its changes unknown, a PR borrowed web from the baseline, which may lack the change")
	}
	if bp.RunsOwn(shared, pr, UnknownChanges()) {
		t.Error("unknown changes made a PR run a shared service, which is always the baseline's")
	}
}

// TestDefaultStubPaths: a stub without paths follows its mappings
// directory, relative to the checkout, so only a PR that changes them
// runs its own stub in sandbox mode.
func TestDefaultStubPaths(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	app := filepath.Join(repo, "examples", "app")
	if err := os.MkdirAll(filepath.Join(app, "stubs", "payments"), 0o755); err != nil {
		t.Fatal(err)
	}
	yaml := "project: shop\ntarget: local\nrouting: {mode: sandbox}\nservices:\n" +
		"  - {name: web, entry: true, run: ./web, paths: [examples/app/web/**]}\n" +
		"  - {name: payments, stub: {mappings: stubs/payments}}\n" +
		"  - {name: fraud, stub: {mappings: stubs/fraud}, paths: [fraud/**]}\n" +
		"  - {name: outside, stub: {mappings: ../../../elsewhere}}\n"
	bp, err := Parse(filepath.Join(app, "prenv.yaml"), []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	bp.DefaultStubPaths(repo)
	want := map[string][]string{"web": {"examples/app/web/**"}, "payments": {"examples/app/stubs/payments/**"}, "fraud": {"fraud/**"}, "outside": nil}
	for _, s := range bp.Services {
		if !slices.Equal(s.Paths, want[s.Name]) {
			t.Errorf("%s paths %q, want %q", s.Name, s.Paths, want[s.Name])
		}
	}
	pr := Env{Names: naming.Names{Name: "pr-7", PR: 7}}
	payments := bp.Services[1]
	if bp.RunsOwn(payments, pr, []string{"examples/app/web/main.go"}) {
		t.Error("a PR that changed only web runs its own payments stub")
	}
	if !bp.RunsOwn(payments, pr, []string{"examples/app/stubs/payments/charge.json"}) {
		t.Error("a PR that changed the payments mappings borrows the baseline's stub")
	}
}

func TestSelfContainedRunsEveryService(t *testing.T) {
	t.Parallel()
	bp := &Blueprint{Routing: Routing{Mode: RoutingSandbox}}
	pr := Env{Names: naming.Names{Name: "pr-7", PR: 7}, SelfContained: true}
	for _, s := range []Service{{Name: "web", Paths: []string{"web/**"}}, {Name: "cache", Shared: true}} {
		if !bp.RunsOwn(s, pr, []string{"api/main.go"}) {
			t.Errorf("a self-contained environment borrowed %s from a baseline it does not have", s.Name)
		}
	}
}
