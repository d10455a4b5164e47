package cli

import (
	"reflect"
	"strconv"
	"testing"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/actions"
	"github.com/prenv/prenv/internal/reaper"
)

// TestReapFlagDefaultsAreTheReapers: prenv reap's flags default to the
// reaper's exported defaults, and given nothing they amount to
// reaper.DefaultOptions().
func TestReapFlagDefaultsAreTheReapers(t *testing.T) {
	t.Parallel()
	cmd := (&App{Getenv: func(string) string { return "" }}).reapCommand()
	for name, want := range map[string]string{
		"max-deletions":  strconv.Itoa(reaper.DefaultMaxDeletions),
		"concurrency":    strconv.Itoa(reaper.DefaultConcurrency),
		"orphan-grace":   reaper.DefaultOrphanGrace.String(),
		"dry-run":        "false",
		"force":          "false",
		"delete-orphans": "false",
	} {
		flag := cmd.Flags().Lookup(name)
		if flag == nil {
			t.Errorf("prenv reap has no --%s", name)
			continue
		}
		if flag.DefValue != want {
			t.Errorf("--%s defaults to %s, want the reaper's %s", name, flag.DefValue, want)
		}
	}

	r := &reapFlags{}
	bare := &cobra.Command{Use: "reap"}
	r.register(bare)
	if err := bare.ParseFlags(nil); err != nil {
		t.Fatal(err)
	}
	if want := reaper.DefaultOptions(); !reflect.DeepEqual(r.opts, want) {
		t.Errorf("the flags, given nothing, amount to %+v; want reaper.DefaultOptions() %+v", r.opts, want)
	}
}

// TestActionReapOptionsAreTheReapers: the Action's reap mode starts from
// reaper.DefaultOptions() and changes only what its inputs set, and the
// inputs' own default for reap-max-deletions is the reaper's.
func TestActionReapOptionsAreTheReapers(t *testing.T) {
	t.Parallel()
	in, err := actions.ReadInputs(&actions.Runner{Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	if got := actions.ReapOptions(in, nil, nil); !reflect.DeepEqual(got, reaper.DefaultOptions()) {
		t.Errorf("with the inputs' defaults the Action reaps with %+v; want reaper.DefaultOptions() %+v", got, reaper.DefaultOptions())
	}
	got := actions.ReapOptions(actions.Inputs{ReapDryRun: true, ReapMaxDeletions: 7}, nil, nil)
	want := reaper.DefaultOptions()
	want.DryRun, want.MaxDeletions = true, 7
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reap-dry-run true, reap-max-deletions 7: %+v; want %+v", got, want)
	}
}
