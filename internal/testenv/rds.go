package testenv

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/route53"
)

// Baseline is what a platform team holds before prenv runs, made on the
// server through the AWS APIs: a golden DB snapshot of a postgres
// instance, a golden Aurora cluster, two golden EBS snapshots, a hosted
// zone, and a DB subnet group over a VPC's subnets.
type Baseline struct {
	Snapshot      string // DB snapshot of a postgres instance
	AuroraCluster string // aurora-postgresql cluster
	HostedZoneID  string
	VPCID         string
	SubnetGroup   string // over two subnets of VPCID
	// EBSSnapshots are snapshots of one gp3 volume, ids moto_server chose:
	// a golden for ebs-snapshot, and the golden it is rotated to.
	EBSSnapshots [2]string
}

// Baseline creates a baseline of its own on the server. moto 5.2.1 lists
// orderable DB instance options for aurora-postgresql (up to 15.2) but none
// for postgres, so the Aurora cluster runs 15.2.
func (m Moto) Baseline(t testing.TB) Baseline {
	t.Helper()
	ctx, cfg, id := t.Context(), m.Config(), "prenv-"+randomHex(t, 6)
	db := rds.NewFromConfig(cfg)
	fail := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("create %s on moto_server at %s: %v", what, m.Endpoint, err)
		}
	}
	_, err := db.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String(id), Engine: aws.String("postgres"), EngineVersion: aws.String("16.3"),
		DBInstanceClass: aws.String("db.t4g.micro"), AllocatedStorage: aws.Int32(20),
		MasterUsername: aws.String("postgres"), MasterUserPassword: aws.String("prenv-test-password"),
	})
	fail("DB instance "+id, err)
	b := Baseline{Snapshot: id + "-golden", AuroraCluster: id + "-aurora", SubnetGroup: id + "-subnets"}
	_, err = db.CreateDBSnapshot(ctx, &rds.CreateDBSnapshotInput{DBInstanceIdentifier: aws.String(id), DBSnapshotIdentifier: aws.String(b.Snapshot)})
	fail("DB snapshot "+b.Snapshot, err)
	_, err = db.CreateDBCluster(ctx, &rds.CreateDBClusterInput{
		DBClusterIdentifier: aws.String(b.AuroraCluster), Engine: aws.String("aurora-postgresql"), EngineVersion: aws.String("15.2"),
		MasterUsername: aws.String("postgres"), MasterUserPassword: aws.String("prenv-test-password"),
	})
	fail("Aurora cluster "+b.AuroraCluster, err)
	zone, err := route53.NewFromConfig(cfg).CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String(id + ".example.com"), CallerReference: aws.String(id)})
	fail("hosted zone", err)
	b.HostedZoneID = aws.ToString(zone.HostedZone.Id)

	network := ec2.NewFromConfig(cfg)
	volume, err := network.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String(m.Region + "a"), Size: aws.Int32(20), VolumeType: types.VolumeTypeGp3})
	fail("EBS volume", err)
	for i := range b.EBSSnapshots {
		snap, err := network.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: volume.VolumeId, Description: aws.String(id + " golden")})
		fail("EBS snapshot of "+aws.ToString(volume.VolumeId), err)
		b.EBSSnapshots[i] = aws.ToString(snap.SnapshotId)
	}
	vpc, err := network.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})
	fail("VPC", err)
	b.VPCID = aws.ToString(vpc.Vpc.VpcId)
	var subnets []string
	for i, cidr := range []string{"10.1.0.0/24", "10.1.1.0/24"} {
		s, err := network.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String(cidr), AvailabilityZone: aws.String(m.Region + string(rune('a'+i)))})
		fail("subnet "+cidr, err)
		subnets = append(subnets, aws.ToString(s.Subnet.SubnetId))
	}
	_, err = db.CreateDBSubnetGroup(ctx, &rds.CreateDBSubnetGroupInput{
		DBSubnetGroupName: aws.String(b.SubnetGroup), DBSubnetGroupDescription: aws.String("prenv test baseline"), SubnetIds: subnets,
	})
	fail("DB subnet group "+b.SubnetGroup, err)
	return b
}
