package groups

import (
	"strings"
	"testing"
)

func TestMarker(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		labels     []string
		want       string
		wantErr    string
	}{
		{name: "none", body: "Fixes the cart.\n", labels: []string{"bug"}},
		{name: "body line", body: "Fixes the cart.\r\n\r\nprenv-group: checkout\r\n", want: "checkout"},
		{name: "label", labels: []string{"bug", "prenv-group: checkout"}, want: "checkout"},
		{name: "label without a space", labels: []string{"prenv-group:checkout"}, want: "checkout"},
		{name: "label and body agree", body: "prenv-group: checkout", labels: []string{"prenv-group: checkout"}, want: "checkout"},
		{name: "two groups", body: "prenv-group: a\nprenv-group: b", wantErr: `names two groups, "a" and "b"`},
		{name: "mid-line is prose", body: "see prenv-group: checkout", want: ""},
		{name: "shell", body: "prenv-group: $(curl evil)", wantErr: "not a DNS label"},
		{name: "empty", body: "prenv-group:", wantErr: "group name is empty"},
		{name: "uppercase", labels: []string{"prenv-group: Checkout"}, wantErr: "not a DNS label"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Marker(tt.body, tt.labels)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Marker = %q, %v; want an error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Marker = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
