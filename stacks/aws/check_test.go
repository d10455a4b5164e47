package aws_test

import (
	"errors"
	"testing"

	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/aws"
)

// TestCheckNeedsARepository: up and preview refuse an environment with no
// repository, whose resources would carry empty prenv:repo tags, and pass
// the same environment once it has one.
func TestCheckNeedsARepository(t *testing.T) {
	t.Parallel()
	bp := example(t, "rds-snapshot", "isolated")
	env, err := stacks.NewEnv(bp, stacks.EnvOptions{PR: 7, SHA: "0123abcd", Owner: "octocat"})
	if err != nil {
		t.Fatal(err)
	}
	if err := changedWeb.Check(t.Context(), bp, env); !errors.Is(err, aws.ErrNoRepo) || !stacks.IsInput(err) {
		t.Errorf("Check without a repository = %v, want ErrNoRepo, an input error", err)
	}
	env.Repo = "acme/shop"
	if err := changedWeb.Check(t.Context(), bp, env); err != nil {
		t.Errorf("Check with a repository = %v, want nil", err)
	}
}
