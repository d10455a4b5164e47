package stacks

import "testing"

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
