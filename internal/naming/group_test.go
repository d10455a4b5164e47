package naming

import (
	"strings"
	"testing"
)

func TestValidateGroup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, group, wantErr string
	}{
		{name: "word", group: "checkout"},
		{name: "hyphens and digits", group: "q3-checkout-2"},
		{name: "longest", group: strings.Repeat("a", MaxGroupName)},
		{name: "too long", group: strings.Repeat("a", MaxGroupName+1), wantErr: "over the limit of 59"},
		{name: "empty", group: "", wantErr: "group name is empty"},
		{name: "uppercase", group: "Checkout", wantErr: "not a DNS label"},
		{name: "leading hyphen", group: "-x", wantErr: "not a DNS label"},
		{name: "trailing hyphen", group: "x-", wantErr: "not a DNS label"},
		{name: "dot", group: "a.b", wantErr: "not a DNS label"},
		{name: "shell", group: "$(id)", wantErr: "not a DNS label"},
		{name: "space", group: "a b", wantErr: "not a DNS label"},
		{name: "newline", group: "a\nb", wantErr: "not a DNS label"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateGroup(tt.group)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("ValidateGroup(%q) = %v, want nil", tt.group, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("ValidateGroup(%q) = %v, want an error containing %q", tt.group, err, tt.wantErr)
			}
		})
	}
}

func TestForGroup(t *testing.T) {
	t.Parallel()
	got, err := ForGroup("shop", "checkout")
	if err != nil {
		t.Fatal(err)
	}
	want := Names{Name: "grp-checkout", Stack: "grp-checkout", Namespace: "grp-checkout", DNSLabel: "grp-checkout"}
	if got != want {
		t.Errorf("ForGroup = %+v, want %+v", got, want)
	}
	if !got.IsGroup() {
		t.Error("IsGroup() = false for a group's names")
	}
	if err := labelLimit.check("DNS label", got.DNSLabel); err != nil {
		t.Error(err)
	}
	long, err := ForGroup("shop", strings.Repeat("a", MaxGroupName))
	if err != nil || labelLimit.check("namespace", long.Namespace) != nil {
		t.Errorf("the longest group name does not make a valid namespace: %+v, %v", long, err)
	}
	if viaEnv, err := ForEnv("shop", "grp-checkout"); err != nil || viaEnv != want {
		t.Errorf("ForEnv(grp-checkout) = %+v, %v; want %+v", viaEnv, err, want)
	}
	if _, err := ForEnv("shop", "grp-Bad"); err == nil || !strings.Contains(err.Error(), "not a DNS label") {
		t.Errorf("ForEnv(grp-Bad) = %v, want the group name refused", err)
	}
}

func TestGroupFromEnv(t *testing.T) {
	t.Parallel()
	for env, want := range map[string]string{"grp-checkout": "checkout", "grp-a-1": "a-1", "pr-12": "", "grp-": "", "grp-X": "", "baseline": ""} {
		got, ok := GroupFromEnv(env)
		if got != want || ok != (want != "") {
			t.Errorf("GroupFromEnv(%q) = %q, %v; want %q", env, got, ok, want)
		}
	}
	if (Names{Name: "pr-3"}).IsGroup() {
		t.Error("pr-3 is a group")
	}
}
