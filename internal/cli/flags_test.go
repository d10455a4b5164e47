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
