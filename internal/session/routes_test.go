package session

import (
	"maps"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	pulumiengine "github.com/prenv/prenv/automation/pulumi"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks"
)

// TestLiveSandboxes reads the services output of real stacks: only pr-<n>
// stacks that run a service are live sandboxes; a PR group's stack gives
// its members, read back from its state.
func TestLiveSandboxes(t *testing.T) {
	t.Parallel()
	runs := map[string][]string{"pr-1": {"web"}, "pr-2": {}, "pr-3": {"web", "orders"}, "baseline": {"web", "orders"}, "grp-duo": nil, "grp-none": nil}
	eng, err := pulumiengine.New(t.Context(), pulumiengine.Config{
		Project:    "routes",
		BackendURL: testenv.Backend(t),
		Binary:     testenv.Pulumi(t),
		Passphrase: "test-passphrase",
		Program: func(env stacks.Env) (pulumi.RunFunc, error) {
			return func(ctx *pulumi.Context) error {
				ctx.Export("services", pulumi.ToStringArray(runs[env.Name]))
				return nil
			}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	bp := &stacks.Blueprint{Project: "routes"}
	for _, name := range slices.Sorted(maps.Keys(runs)) {
		env, err := stacks.NewEnv(bp, stacks.EnvOptions{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		if name == "grp-duo" {
			env.Members = []string{"pr-3", "pr-1"}
		}
		if _, err := eng.Up(t.Context(), env); err != nil {
			t.Fatalf("up %s: %v", name, err)
		}
	}
	got, groups, err := (&Session{Blueprint: bp, Engine: eng}).liveSandboxes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string][]string{"grp-duo": {"pr-3", "pr-1"}}; !maps.EqualFunc(groups, want, slices.Equal[[]string]) {
		t.Errorf("groups %v, want %v (a group without members routes nothing)", groups, want)
	}
	want := map[string][]string{"pr-1": {"web"}, "pr-3": {"web", "orders"}}
	if !maps.EqualFunc(got, want, slices.Equal[[]string]) {
		t.Errorf("live sandboxes %v, want %v", got, want)
	}
}
