package cli

import (
	"testing"

	"github.com/spf13/cobra"
)

// TestProjectFlagsReachTheSession: --backend, --allow-local-state and
// --secrets-provider become the session's options on every command that
// locates a project.
func TestProjectFlagsReachTheSession(t *testing.T) {
	t.Parallel()
	f := &envFlags{}
	cmd := &cobra.Command{Use: "ls"}
	f.registerProject(cmd)
	err := cmd.ParseFlags([]string{"--backend", "s3://team-state?region=eu-west-1", "--allow-local-state", "--secrets-provider", "awskms://alias/prenv?region=eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	o := f.options(false)
	if o.Backend != "s3://team-state?region=eu-west-1" || !o.AllowLocalState || o.SecretsProvider != "awskms://alias/prenv?region=eu-west-1" {
		t.Errorf("session options = %+v, want the flags' backend, allow-local-state and secrets provider", o)
	}
}

// TestOfflineReachesTheSession: --offline is on every command that runs
// pulumi and becomes the session's Offline option.
func TestOfflineReachesTheSession(t *testing.T) {
	t.Parallel()
	a := &App{}
	for _, cmd := range []*cobra.Command{a.upCommand(), a.previewCommand(), a.refreshCommand(), a.destroyCommand(), a.extendCommand(), a.routesCommand()} {
		if cmd.Flags().Lookup("offline") == nil {
			t.Errorf("prenv %s has no --offline", cmd.Name())
		}
	}
	for _, args := range [][]string{{"--offline"}, nil} {
		f := &envFlags{}
		cmd := &cobra.Command{Use: "up"}
		f.registerOffline(cmd)
		if err := cmd.ParseFlags(args); err != nil {
			t.Fatal(err)
		}
		if got, want := f.options(true).Offline, len(args) > 0; got != want {
			t.Errorf("flags %q: session Offline = %v, want %v", args, got, want)
		}
	}
}
