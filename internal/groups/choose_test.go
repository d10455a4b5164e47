package groups

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestChoose(t *testing.T) {
	t.Parallel()
	web12 := Member{PR: 12, Services: []string{"web"}}
	orders15 := Member{PR: 15, Services: []string{"orders"}}
	both15 := Member{PR: 15, Services: []string{"orders", "web"}}
	tests := []struct {
		name       string
		members    []Member
		prefer     int
		wantOrder  []string
		wantChoice map[string]string
		wantErr    string
	}{
		{name: "disjoint", members: []Member{orders15, web12}, wantOrder: []string{"pr-15", "pr-12"},
			wantChoice: map[string]string{"web": "pr-12", "orders": "pr-15"}},
		{name: "conflict", members: []Member{web12, both15},
			wantErr: "service web is run by both pr-12 and pr-15: pass --prefer 12 or --prefer 15"},
		{name: "conflict settled", members: []Member{web12, both15}, prefer: 15, wantOrder: []string{"pr-15", "pr-12"},
			wantChoice: map[string]string{"web": "pr-15", "orders": "pr-15"}},
		{name: "conflict settled the other way", members: []Member{web12, both15}, prefer: 12, wantOrder: []string{"pr-12", "pr-15"},
			wantChoice: map[string]string{"web": "pr-12", "orders": "pr-15"}},
		{name: "preferring a bystander settles nothing", members: []Member{web12, {PR: 20, Services: []string{"web"}}, orders15}, prefer: 15,
			wantErr: "service web is run by both pr-12 and pr-20"},
		{name: "prefer outside", members: []Member{web12}, prefer: 9, wantErr: "--prefer 9 is not a member"},
		{name: "twice", members: []Member{web12, web12}, wantErr: "PR 12 is named twice"},
		{name: "a member running nothing", members: []Member{{PR: 3}}, wantOrder: []string{"pr-3"}, wantChoice: map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Choose(tt.members, tt.prefer)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Choose = %+v, %v; want an error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Order, tt.wantOrder) || !maps.Equal(got.Choice, tt.wantChoice) {
				t.Errorf("Choose = %+v, want order %v and choice %v", got, tt.wantOrder, tt.wantChoice)
			}
		})
	}
}

func TestPRs(t *testing.T) {
	t.Parallel()
	if got := PRs([]string{"pr-15", "baseline", "pr-12"}); !slices.Equal(got, []int{15, 12}) {
		t.Errorf("PRs = %v, want [15 12]", got)
	}
}

func TestJoin(t *testing.T) {
	t.Parallel()
	web12 := Member{PR: 12, Services: []string{"web"}}
	both15 := Member{PR: 15, Services: []string{"orders", "web"}}
	users20 := Member{PR: 20, Services: []string{"users"}}
	web21 := Member{PR: 21, Services: []string{"web"}}

	// A settled group (pr-15 preferred, so first) keeps its choice as others join.
	got, err := Join([]Member{both15, web12}, users20)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"pr-15", "pr-12", "pr-20"}; !slices.Equal(got.Order, want) || got.Choice["web"] != "pr-15" || got.Choice["users"] != "pr-20" {
		t.Errorf("Join = %+v, want order %v, web from pr-15, users from pr-20", got, want)
	}
	if _, err := Join([]Member{web12}, web21); err == nil || !strings.Contains(err.Error(), "service web is run by both pr-12, a member, and pr-21") {
		t.Errorf("Join of a conflicting PR = %v, want it refused naming web, pr-12 and pr-21", err)
	}
	if again, err := Join([]Member{web12, users20}, web12); err != nil || !slices.Equal(again.Order, []string{"pr-12", "pr-20"}) {
		t.Errorf("Join of a member again = %+v, %v; want the group unchanged", again, err)
	}
	if first, err := Join(nil, web12); err != nil || !slices.Equal(first.Order, []string{"pr-12"}) {
		t.Errorf("Join of an empty group = %+v, %v; want pr-12 alone", first, err)
	}
}
