package cli_test

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/prenv/prenv/internal/testenv"
)

// onMoto gives the sandbox moto_server's fake account (its keys, region and
// AWS_ENDPOINT_URL) and returns examples/aws/prenv.yaml as project clitest,
// naming a baseline made on moto_server (kept in s.baseline) in place of
// the example's account: its golden snapshot (allowed by the policy, as is
// its first EBS snapshot), hosted zone, VPC, DB subnet group and region. So
// preview and up pass the cloud checks and go on to what the test is
// about. The migrations path is made absolute, for the blueprint is
// written into the sandbox.
func (s *sandbox) onMoto() string {
	s.t.Helper()
	m := testenv.MotoServer(s.t)
	base := m.Baseline(s.t)
	s.baseline = base
	for k, v := range m.Env {
		s.extraEnv = append(s.extraEnv, k+"="+v)
	}
	s.extraEnv = append(s.extraEnv, "AWS_ENDPOINT_URL="+m.Endpoint)

	root := testenv.RepoRoot(s.t)
	example, err := os.ReadFile(filepath.Join(root, "examples", "aws", "prenv.yaml"))
	if err != nil {
		s.t.Fatal(err)
	}
	blueprint := string(example)
	for _, r := range [][2]string{
		{"project: shop", "project: clitest"},
		{"golden: shop-golden-2026-11-21", "golden: " + base.Snapshot},
		{"allowed-snapshots: [", "allowed-snapshots: [" + base.Snapshot + ", " + base.EBSSnapshots[0] + ", "},
		{"migrations: ../app/db/migrations", "migrations: " + filepath.Join(root, "examples", "app", "db", "migrations")},
		{"region: eu-west-1", "region: " + m.Region},
		{"hosted-zone-id: Z0123456789ABCDEFGHIJ", "hosted-zone-id: " + base.HostedZoneID},
		{"vpc-id: vpc-0123456789abcdef0", "vpc-id: " + base.VPCID},
		{"subnet-group: shop-baseline", "subnet-group: " + base.SubnetGroup},
	} {
		if !strings.Contains(blueprint, r[0]) {
			s.t.Fatalf("examples/aws/prenv.yaml has no %q to point at moto_server's baseline", r[0])
		}
		blueprint = strings.Replace(blueprint, r[0], r[1], 1)
	}
	return blueprint
}
