package aws

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks"
)

// TestCloudCheckNamesTheField: against moto_server's baseline, up's checks
// pass a blueprint naming what exists, and each broken field stops up in
// one input-error line that names it.
// Not parallel: the SDK's standard chain reads AWS_ENDPOINT_URL from the
// process environment.
func TestCloudCheckNamesTheField(t *testing.T) {
	m := testenv.MotoServer(t)
	t.Setenv("AWS_ENDPOINT_URL", m.Endpoint)
	base := m.Baseline(t)
	cluster := m.EKSCluster(t)
	tests := []struct {
		name  string
		setup func(bp *stacks.Blueprint)
		want  string // "" passes; else the start of the one line
	}{
		{name: "rds-snapshot all good", setup: func(*stacks.Blueprint) {}},
		{name: "aurora-clone all good", setup: func(bp *stacks.Blueprint) {
			bp.Database.Source, bp.Database.Golden, bp.AWS.InstanceClass = "aurora-clone", base.AuroraCluster, "db.r6g.large"
		}},
		{name: "ebs-snapshot all good", setup: func(bp *stacks.Blueprint) {
			bp.Database.Source, bp.Database.Golden = "ebs-snapshot", base.EBSSnapshots[0]
		}},
		{name: "snapshot missing", want: "database.golden: DB snapshot no-such-snapshot not found", setup: func(bp *stacks.Blueprint) {
			bp.Database.Golden = "no-such-snapshot"
		}},
		{name: "EBS snapshot missing", want: "database.golden: EBS snapshot snap-0123456789abcdef0 not found in " + m.Region + ": name the golden EBS snapshot", setup: func(bp *stacks.Blueprint) {
			bp.Database.Source, bp.Database.Golden = "ebs-snapshot", "snap-0123456789abcdef0"
		}},
		{name: "EBS golden not a snap- id", want: "database.golden: EBS snapshot no-such-snapshot not found in " + m.Region, setup: func(bp *stacks.Blueprint) {
			bp.Database.Source, bp.Database.Golden = "ebs-snapshot", "no-such-snapshot"
		}},
		{name: "source cluster missing", want: "database.golden: Aurora cluster no-such-cluster not found", setup: func(bp *stacks.Blueprint) {
			bp.Database.Source, bp.Database.Golden, bp.AWS.InstanceClass = "aurora-clone", "no-such-cluster", "db.r6g.large"
		}},
		// moto lists orderable options for aurora-postgresql only.
		{name: "class not orderable", want: "aws.instance-class: db.nope.large is not orderable for aurora-postgresql 15.2", setup: func(bp *stacks.Blueprint) {
			bp.Database.Source, bp.Database.Golden, bp.AWS.InstanceClass = "aurora-clone", base.AuroraCluster, "db.nope.large"
		}},
		{name: "hosted zone missing", want: "aws.hosted-zone-id: Route53 hosted zone ZNOSUCHZONE not found", setup: func(bp *stacks.Blueprint) {
			bp.AWS.HostedZoneID = "ZNOSUCHZONE"
		}},
		{name: "EKS cluster missing", want: "EKS cluster no-such-eks not found in " + m.Region + ": check aws.cluster", setup: func(bp *stacks.Blueprint) {
			bp.AWS.Cluster = "no-such-eks"
		}},
		{name: "subnet group missing", want: "aws.subnet-group: DB subnet group no-such-group not found", setup: func(bp *stacks.Blueprint) {
			bp.AWS.SubnetGroup = "no-such-group"
		}},
		{name: "subnets in another VPC", want: "aws.vpc-id: vpc-0another, but the subnets of aws.subnet-group " + base.SubnetGroup + " are in " + base.VPCID, setup: func(bp *stacks.Blueprint) {
			bp.AWS.VPCID = "vpc-0another"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bp, err := stacks.Load("../../examples/aws/prenv.yaml")
			if err != nil {
				t.Fatal(err)
			}
			a := &bp.AWS
			a.Context, a.Cluster, a.Region, a.HostedZoneID, a.VPCID, a.SubnetGroup = "", cluster, m.Region, base.HostedZoneID, base.VPCID, base.SubnetGroup
			bp.Database.Golden = base.Snapshot
			a.AllowedInstanceClasses = []string{"db.t4g.micro", "db.r6g.large", "db.nope.large"}
			bp.Policy.AllowedSnapshots = []string{base.Snapshot, base.AuroraCluster, base.EBSSnapshots[0], "snap-0123456789abcdef0", "no-such-snapshot", "no-such-cluster"}
			tt.setup(bp)
			env, err := stacks.NewEnv(bp, stacks.EnvOptions{PR: 7, Repo: "acme/shop", SHA: "0123abcd", Now: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			target, err := Prepare(t.Context(), bp, stacks.Setup{Home: t.TempDir(), Getenv: os.Getenv, Binary: "prenv", Env: env})
			if err != nil {
				t.Fatal(err)
			}
			err = target.(Target).Check(t.Context(), bp, env)
			if tt.want == "" {
				if err != nil {
					t.Errorf("Check = %v, want nil", err)
				}
				return
			}
			if err == nil || !stacks.IsInput(err) || strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("Check = %v, want one input-error line starting %q", err, tt.want)
			}
		})
	}
}
