package aws

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// maxPrefix is the longest name prefix AWS accepts for an RDS identifier:
// the provider appends a 26-character unique suffix, and identifiers stop
// at 63.
const maxPrefix = 63 - 26

// namePrefix is a replacement-safe name: the provider appends a unique
// suffix, so a replacement (a rotated golden snapshot or cluster) creates
// its new instance, cluster or security group before deleting the old one
// without the two names clashing.
func namePrefix(base string) string {
	p := base + "-"
	if len(p) > maxPrefix {
		p = strings.TrimRight(p[:maxPrefix-1], "-") + "-"
	}
	return p
}

// securityGroup opens the database's port to the cluster's pods only.
func (e *envBuild) securityGroup() (*ec2.SecurityGroup, error) {
	name := e.env.RDSIdentifier + "-db"
	return ec2.NewSecurityGroup(e.ctx, "database", &ec2.SecurityGroupArgs{
		NamePrefix:  pulumi.String(namePrefix(name)),
		Description: pulumi.String("The database of " + e.env.Name + ", open only to the cluster."),
		VpcId:       pulumi.String(e.bp.AWS.VPCID),
		Ingress: ec2.SecurityGroupIngressArray{ec2.SecurityGroupIngressArgs{
			Protocol: pulumi.String("tcp"), FromPort: pulumi.Int(databasePort), ToPort: pulumi.Int(databasePort),
			CidrBlocks: pulumi.ToStringArray([]string{e.bp.AWS.ClusterCIDR}),
		}},
		Tags: tags(e.env, name),
	}, e.cloud()...)
}

// rdsInstance restores an RDS instance from the golden snapshot: a small
// class, no final snapshot, no deletion protection, in the baseline's
// subnet group. Its superuser's password is reset to password.
func (e *envBuild) rdsInstance(password pulumi.StringOutput) (clone, error) {
	sg, err := e.securityGroup()
	if err != nil {
		return clone{}, err
	}
	db, err := rds.NewInstance(e.ctx, "database", &rds.InstanceArgs{
		IdentifierPrefix:    pulumi.String(namePrefix(e.env.RDSIdentifier)),
		SnapshotIdentifier:  pulumi.String(e.bp.Database.Golden),
		InstanceClass:       pulumi.String(e.bp.DatabaseInstanceClass()),
		DbSubnetGroupName:   pulumi.String(e.bp.AWS.SubnetGroup),
		VpcSecurityGroupIds: pulumi.StringArray{sg.ID()},
		Password:            password,
		SkipFinalSnapshot:   pulumi.Bool(true),
		DeletionProtection:  pulumi.Bool(false),
		PubliclyAccessible:  pulumi.Bool(false),
		ApplyImmediately:    pulumi.Bool(true),
		Tags:                tags(e.env, e.env.RDSIdentifier),
	}, e.cloud()...)
	if err != nil {
		return clone{}, err
	}
	return clone{endpoint: db.Address, deps: []pulumi.Resource{db}}, nil
}

// auroraClone makes a copy-on-write clone of the golden Aurora cluster,
// with one instance. Its superuser's password is reset to password.
func (e *envBuild) auroraClone(password pulumi.StringOutput) (clone, error) {
	sg, err := e.securityGroup()
	if err != nil {
		return clone{}, err
	}
	cluster, err := rds.NewCluster(e.ctx, "database", &rds.ClusterArgs{
		ClusterIdentifierPrefix: pulumi.String(namePrefix(e.env.RDSIdentifier)),
		Engine:                  pulumi.String("aurora-postgresql"),
		RestoreToPointInTime: rds.ClusterRestoreToPointInTimeArgs{
			SourceClusterIdentifier: pulumi.String(e.bp.Database.Golden),
			RestoreType:             pulumi.String("copy-on-write"),
			UseLatestRestorableTime: pulumi.Bool(true),
		},
		DbSubnetGroupName:   pulumi.String(e.bp.AWS.SubnetGroup),
		VpcSecurityGroupIds: pulumi.StringArray{sg.ID()},
		MasterPassword:      password,
		SkipFinalSnapshot:   pulumi.Bool(true),
		DeletionProtection:  pulumi.Bool(false),
		ApplyImmediately:    pulumi.Bool(true),
		Tags:                tags(e.env, e.env.RDSIdentifier),
	}, e.cloud()...)
	if err != nil {
		return clone{}, err
	}
	id := e.env.RDSIdentifier + "-1"
	inst, err := rds.NewClusterInstance(e.ctx, "database", &rds.ClusterInstanceArgs{
		IdentifierPrefix:  pulumi.String(namePrefix(id)),
		ClusterIdentifier: cluster.ID(),
		Engine:            cluster.Engine,
		InstanceClass:     pulumi.String(e.bp.DatabaseInstanceClass()),
		Tags:              tags(e.env, id),
	}, e.cloud()...)
	if err != nil {
		return clone{}, err
	}
	return clone{endpoint: cluster.Endpoint, deps: []pulumi.Resource{cluster, inst}}, nil
}
