package aws_test

import (
	"errors"
	"testing"

	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/aws"
)

// TestCheckNeedsARepository: up and preview refuse an environment with no
// repository, whose resources would carry empty prenv:repo tags, and pass
// the same environment once it has one.
// Not parallel: the cloud checks read AWS_ENDPOINT_URL (moto_server's).
func TestCheckNeedsARepository(t *testing.T) {
	m := testenv.MotoServer(t)
	t.Setenv("AWS_ENDPOINT_URL", m.Endpoint)
	base := m.Baseline(t)
	bp := example(t, "rds-snapshot", "isolated")
	bp.AWS.Region, bp.AWS.HostedZoneID, bp.AWS.VPCID, bp.AWS.SubnetGroup, bp.Database.Golden = m.Region, base.HostedZoneID, base.VPCID, base.SubnetGroup, base.Snapshot
	bp.Policy.AllowedSnapshots = []string{base.Snapshot}
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
