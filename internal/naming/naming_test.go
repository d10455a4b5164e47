package naming

import (
	"strings"
	"testing"
)

func TestForPR(t *testing.T) {
	t.Parallel()
	got, err := ForPR("shop", 42)
	if err != nil {
		t.Fatal(err)
	}
	want := Names{
		Name: "pr-42", PR: 42, Stack: "pr-42", Namespace: "pr-42",
		Database: "prenv_shop_pr_42", Role: "prenv_shop_pr_42",
		DNSLabel: "pr-42", RDSIdentifier: "prenv-shop-pr-42",
	}
	if got != want {
		t.Errorf("ForPR(shop, 42) = %+v, want %+v", got, want)
	}
}

func TestForEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, project, env string
		wantDB             string
		wantErr            string
	}{
		{name: "pr", project: "my-app", env: "pr-7", wantDB: "prenv_my_app_pr_7"},
		{name: "baseline", project: "my-app", env: "baseline", wantDB: "prenv_my_app_baseline"},
		{name: "branch name", project: "my-app", env: "feature/x", wantErr: "not a prenv name"},
		{name: "leading zero", project: "my-app", env: "pr-07", wantErr: "not a prenv name"},
		{name: "bad project", project: "My_App", env: "pr-1", wantErr: "not a valid name"},
		{name: "double hyphen", project: "my--app", env: "pr-1", wantErr: "not a valid name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ForEnv(tt.project, tt.env)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ForEnv(%q, %q) error = %v, want it to contain %q", tt.project, tt.env, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Database != tt.wantDB {
				t.Errorf("Database = %q, want %q", got.Database, tt.wantDB)
			}
		})
	}
}

func TestParsePR(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    int
		wantErr string
	}{
		{in: "42", want: 42},
		{in: " #42 ", want: 42},
		{in: "0", wantErr: "out of range"},
		{in: "-3", wantErr: "out of range"},
		{in: "1000000000", wantErr: "out of range"},
		{in: "abc", wantErr: "not a number"},
		{in: "", wantErr: "not a number"},
		{in: "4 2", wantErr: "not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParsePR(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParsePR(%q) error = %v, want it to contain %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParsePR(%q) = %d, %v, want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestPRFromEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   int
		wantOK bool
	}{
		{"pr-1", 1, true},
		{"pr-999999999", 999999999, true},
		{"pr-0", 0, false},
		{"pr-01", 0, false},
		{"pr--1", 0, false},
		{"pr-+1", 0, false},
		{"pr-1a", 0, false},
		{"baseline", 0, false},
		{"pr-1000000000", 0, false},
	}
	for _, tt := range tests {
		got, ok := PRFromEnv(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("PRFromEnv(%q) = %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}
