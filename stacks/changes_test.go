package stacks

import (
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
