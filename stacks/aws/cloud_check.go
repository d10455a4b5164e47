package aws

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/smithy-go"

	"github.com/prenv/prenv/internal/eks"
	"github.com/prenv/prenv/stacks"
)

// ErrNoCredentials stops the cloud checks, and so up and preview, when
// the standard chain finds no AWS credentials.
var ErrNoCredentials = stacks.Input(errors.New("no AWS credentials to check the blueprint's AWS resources: in GitHub Actions run aws-actions/configure-aws-credentials first; elsewhere set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"))

// cloudCheck asks AWS, all at once so it costs about one round trip,
// whether what the blueprint names exists: the golden DB snapshot, source
// cluster or EBS snapshot, an instance class orderable for its engine and version, the
// hosted zone, the EKS cluster, and a DB subnet group in aws.vpc-id. It
// returns every failure, one line each, naming the blueprint's field.
func (t Target) cloudCheck(ctx context.Context, bp *stacks.Blueprint) error {
	cfg, err := eks.LoadConfig(ctx, bp.AWS.Region)
	if err != nil {
		return err
	}
	if cfg.Credentials == nil {
		return ErrNoCredentials
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return ErrNoCredentials
	}
	c := cloudChecks{bp: bp, rds: rds.NewFromConfig(cfg), ec2: ec2.NewFromConfig(cfg), route53: route53.NewFromConfig(cfg), region: cfg.Region}
	var checks []func(context.Context) error
	checks = append(checks, c.hostedZone)
	if t.cluster != nil { // described once: the program reuses its kubeconfig
		checks = append(checks, func(ctx context.Context) error { _, err := t.cluster.kubeconfig(ctx); return err })
	}
	switch {
	case !bp.HasDatabase(): // a stateless application: no database to check
	case bp.Database.Source == "rds-snapshot" || bp.Database.Source == "aurora-clone":
		checks = append(checks, c.goldenAndClass, c.subnetGroup)
	case bp.Database.Source == "ebs-snapshot":
		checks = append(checks, c.ebsGolden)
	}
	return runAll(ctx, checks)
}

// runAll runs checks concurrently and joins their failures, one line
// each, in a stable order.
func runAll(ctx context.Context, checks []func(context.Context) error) error {
	errs := make([]error, len(checks))
	var wg sync.WaitGroup
	for i, check := range checks {
		wg.Go(func() { errs[i] = check(ctx) })
	}
	wg.Wait()
	var lines []string
	input := true // an unexpected failure (a network error) is no input error
	for _, err := range errs {
		if err != nil {
			input = input && stacks.IsInput(err)
			lines = append(lines, err.Error())
		}
	}
	if len(lines) == 0 {
		return nil
	}
	slices.Sort(lines)
	err := errors.New(strings.Join(lines, "\n"))
	if input {
		return stacks.Input(err)
	}
	return err
}

// cloudChecks are the calls the checks make.
type cloudChecks struct {
	bp      *stacks.Blueprint
	rds     *rds.Client
	ec2     *ec2.Client
	route53 *route53.Client
	region  string
}

// hostedZone: aws.hosted-zone-id exists.
func (c cloudChecks) hostedZone(ctx context.Context) error {
	id := c.bp.AWS.HostedZoneID
	_, err := c.route53.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String(id)})
	if hasCode(err, "NoSuchHostedZone") {
		return stacks.Input(fmt.Errorf("aws.hosted-zone-id: Route53 hosted zone %s not found: name the zone of dns.domain %s", id, c.bp.DNS.Domain))
	}
	return fieldError("aws.hosted-zone-id", "get Route53 hosted zone "+id, err)
}

// goldenAndClass: database.golden exists, and aws.instance-class is
// orderable for its engine and version. Both calls go out together.
func (c cloudChecks) goldenAndClass(ctx context.Context) error {
	engine := "postgres"
	if c.bp.Database.Source == "aurora-clone" {
		engine = "aurora-postgresql"
	}
	class := c.bp.DatabaseInstanceClass()
	var versions []string
	var orderErr error
	var wg sync.WaitGroup
	wg.Go(func() { versions, orderErr = c.orderableVersions(ctx, engine, class) })
	version, err := c.goldenVersion(ctx)
	wg.Wait()
	if err != nil {
		return err
	}
	if orderErr != nil {
		return fieldError("aws.instance-class", "describe the orderable options of "+class, orderErr)
	}
	if len(versions) == 0 && !c.engineListed(ctx, engine) {
		return nil // a stand-in (moto_server) that lists nothing for the engine cannot tell
	}
	if !slices.Contains(versions, version) {
		return stacks.Input(fmt.Errorf("aws.instance-class: %s is not orderable for %s %s in %s (the version of database.golden %s): pick a class RDS offers for it", class, engine, version, c.region, c.bp.Database.Golden))
	}
	return nil
}

// goldenVersion is the engine version of the golden snapshot (rds-snapshot)
// or source cluster (aurora-clone).
func (c cloudChecks) goldenVersion(ctx context.Context) (string, error) {
	golden := c.bp.Database.Golden
	if c.bp.Database.Source == "aurora-clone" {
		out, err := c.rds.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(golden)})
		if hasCode(err, "DBClusterNotFoundFault") || (err == nil && len(out.DBClusters) == 0) {
			return "", stacks.Input(fmt.Errorf("database.golden: Aurora cluster %s not found in %s: name the source cluster aurora-clone clones", golden, c.region))
		}
		if err != nil {
			return "", fieldError("database.golden", "describe Aurora cluster "+golden, err)
		}
		return aws.ToString(out.DBClusters[0].EngineVersion), nil
	}
	out, err := c.rds.DescribeDBSnapshots(ctx, &rds.DescribeDBSnapshotsInput{DBSnapshotIdentifier: aws.String(golden)})
	if hasCode(err, "DBSnapshotNotFound") || (err == nil && len(out.DBSnapshots) == 0) {
		return "", stacks.Input(fmt.Errorf("database.golden: DB snapshot %s not found in %s: name the golden snapshot rds-snapshot restores", golden, c.region))
	}
	if err != nil {
		return "", fieldError("database.golden", "describe DB snapshot "+golden, err)
	}
	return aws.ToString(out.DBSnapshots[0].EngineVersion), nil
}

// ebsGolden: database.golden, the EBS snapshot ebs-snapshot binds, exists.
// An id AWS calls malformed (not snap-...) is not found either.
func (c cloudChecks) ebsGolden(ctx context.Context) error {
	golden := c.bp.Database.Golden
	out, err := c.ec2.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{SnapshotIds: []string{golden}})
	if hasCode(err, "InvalidSnapshot.NotFound") || hasCode(err, "InvalidSnapshotID.Malformed") || (err == nil && len(out.Snapshots) == 0) {
		return stacks.Input(fmt.Errorf("database.golden: EBS snapshot %s not found in %s: name the golden EBS snapshot (snap-...) ebs-snapshot restores, shared with this account", golden, c.region))
	}
	return fieldError("database.golden", "describe EBS snapshot "+golden, err)
}

// orderableVersions lists the engine versions class is orderable for.
func (c cloudChecks) orderableVersions(ctx context.Context, engine, class string) ([]string, error) {
	var versions []string
	pages := rds.NewDescribeOrderableDBInstanceOptionsPaginator(c.rds, &rds.DescribeOrderableDBInstanceOptionsInput{
		Engine: aws.String(engine), DBInstanceClass: aws.String(class),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.OrderableDBInstanceOptions {
			if aws.ToString(o.DBInstanceClass) == class {
				versions = append(versions, aws.ToString(o.EngineVersion))
			}
		}
	}
	return versions, nil
}

// engineListed reports whether RDS lists any orderable option for engine:
// asked only when none is listed for the class, it tells a class AWS does
// not offer from a stand-in that knows nothing of the engine.
func (c cloudChecks) engineListed(ctx context.Context, engine string) bool {
	out, err := c.rds.DescribeOrderableDBInstanceOptions(ctx, &rds.DescribeOrderableDBInstanceOptionsInput{Engine: aws.String(engine), MaxRecords: aws.Int32(20)})
	return err != nil || len(out.OrderableDBInstanceOptions) > 0
}

// subnetGroup: aws.subnet-group exists and its subnets are in aws.vpc-id,
// where each environment's security group is made.
func (c cloudChecks) subnetGroup(ctx context.Context) error {
	name := c.bp.AWS.SubnetGroup
	out, err := c.rds.DescribeDBSubnetGroups(ctx, &rds.DescribeDBSubnetGroupsInput{DBSubnetGroupName: aws.String(name)})
	if hasCode(err, "DBSubnetGroupNotFoundFault") || (err == nil && len(out.DBSubnetGroups) == 0) {
		return stacks.Input(fmt.Errorf("aws.subnet-group: DB subnet group %s not found in %s: name the baseline's DB subnet group", name, c.region))
	}
	if err != nil {
		return fieldError("aws.subnet-group", "describe DB subnet group "+name, err)
	}
	if vpc := aws.ToString(out.DBSubnetGroups[0].VpcId); vpc != c.bp.AWS.VPCID {
		return stacks.Input(fmt.Errorf("aws.vpc-id: %s, but the subnets of aws.subnet-group %s are in %s: the database's security group and its subnets must be in one VPC", c.bp.AWS.VPCID, name, vpc))
	}
	return nil
}

// hasCode reports whether err is an AWS API error with code.
func hasCode(err error, code string) bool {
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == code
}

// fieldError is an unexpected failure of a check, on one line naming the
// field it checked; a denied call names the permission to grant.
func fieldError(field, what string, err error) error {
	if err == nil {
		return nil
	}
	line := strings.Join(strings.Fields(err.Error()), " ")
	var api smithy.APIError
	if errors.As(err, &api) && strings.Contains(api.ErrorCode(), "AccessDenied") {
		return stacks.Input(fmt.Errorf("%s: not allowed to %s (%s): grant the role the read permission", field, what, line))
	}
	return fmt.Errorf("%s: %s: %s", field, what, line)
}
