package stacks

import (
	"fmt"
	"net"
	"net/url"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/prenv/prenv/internal/naming"
)

var (
	labelPattern    = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	domainPattern   = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	envKeyPattern   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	headerPattern   = regexp.MustCompile(`^[a-z0-9-]+$`)
	gatewayPattern  = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?/[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$`)
	quantityPattern = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$`)
	memoryPattern   = regexp.MustCompile(`^[1-9][0-9]*(kB|MB|GB)$`)
	columnPattern   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){1,2}$`)
	// namespace/service:port of a Service in the cluster.
	interceptorPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?/[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?:[0-9]{1,5}$`)
	revisionPattern    = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$`)
	clusterPattern     = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$`)
)

// backendSchemes are the state backends the engines can use.
var backendSchemes = []string{"file", "s3", "gs", "azblob"}

// validate checks what the types alone cannot. line finds the line of a
// field path in the source file.
func (bp *Blueprint) validate(line func(string) int) []error {
	var errs []error
	fail := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{File: bp.path, Line: line(field), Field: field, Msg: fmt.Sprintf(format, args...)})
	}

	if err := naming.ValidateProject(bp.Project); err != nil {
		fail("project", "%v", err)
	}
	if bp.TTL.Duration <= 0 {
		fail("ttl", "must be positive, such as 72h")
	}
	if bp.TTL.Duration > bp.Policy.MaxTTL.Duration {
		fail("ttl", "%s is longer than policy.max-ttl %s; shorten it or raise the policy", bp.TTL, bp.Policy.MaxTTL)
	}
	if bp.Backend != "" {
		if u, err := url.Parse(bp.Backend); err != nil || !slices.Contains(backendSchemes, u.Scheme) {
			fail("backend", "%q is not a state backend URL; use file://<dir> or s3://<bucket>", bp.Backend)
		}
	}
	if err := CheckSecretsProvider(bp.SecretsProvider); err != nil {
		fail("secrets-provider", "%v", err)
	}
	bp.validateServices(fail)
	if bp.Target == TargetAWS {
		bp.validateAWS(fail)
		bp.validateAccess(fail)
	}
	if !headerPattern.MatchString(bp.Routing.Header) {
		fail("routing.header", "%q is not a header name; use lowercase letters, digits and hyphens", bp.Routing.Header)
	}
	if bp.DNS.Domain != "" && !domainPattern.MatchString(bp.DNS.Domain) {
		fail("dns.domain", "%q is not a domain name; use lowercase labels such as preview.example.com", bp.DNS.Domain)
	}
	if bp.Policy.MaxEnvironments < 0 {
		fail("policy.max-environments", "must be 0 (no limit) or more")
	}
	for i, glob := range bp.Policy.Protect {
		if _, err := path.Match(glob, ""); err != nil {
			fail(fmt.Sprintf("policy.protect[%d]", i), "%q is not a valid glob", glob)
		}
	}
	// The none target makes no database: its database section may hold
	// only the rules prenv anonymize reads.
	if bp.Target != TargetNone && !bp.HasDatabase() && !reflect.ValueOf(bp.Database).IsZero() {
		fail("database.golden", "is required in a database section: the golden each environment's database is cloned from (a SQL file or postgres:// URL on the local target, a snapshot or cluster on aws); for an application without a database, leave the database section out")
	}
	bp.validateFinOps(fail)
	bp.validateClone(fail)
	for col := range bp.Database.Anonymize.Rules {
		if !columnPattern.MatchString(col) {
			fail("database.anonymize.rules."+col, "%q is not a column; write table.column or schema.table.column", col)
		}
	}
	for i, col := range bp.Database.Anonymize.Allow {
		if !columnPattern.MatchString(col) {
			fail(fmt.Sprintf("database.anonymize.allow[%d]", i), "%q is not a column; write table.column", col)
		}
	}
	return errs
}

func (bp *Blueprint) validateServices(fail func(field, format string, args ...any)) {
	names := map[string]bool{}
	entries := 0
	for i, s := range bp.Services {
		at := fmt.Sprintf("services[%d]", i)
		switch {
		case !labelPattern.MatchString(s.Name):
			fail(at+".name", "%q is not a valid service name; use lowercase letters, digits and hyphens (a DNS label)", s.Name)
		case names[s.Name]:
			fail(at+".name", "%q is used by another service; names must be unique", s.Name)
		}
		names[s.Name] = true
		if s.Entry {
			entries++
		}
		if s.Port < 0 || s.Port > 65535 {
			fail(at+".port", "%d is out of range; use 1-65535", s.Port)
		}
		if !strings.HasPrefix(s.Health, "/") {
			fail(at+".health", "%q must be a path starting with /", s.Health)
		}
		for k := range s.Env {
			if !envKeyPattern.MatchString(k) {
				fail(at+".env."+k, "%q is not an environment variable name; use letters, digits and _", k)
			}
		}
		for j, glob := range s.Paths {
			if _, err := path.Match(glob, ""); err != nil {
				fail(fmt.Sprintf("%s.paths[%d]", at, j), "%q is not a valid glob", glob)
			}
		}
		if s.IsStub() {
			bp.validateStub(at, s, fail)
			continue
		}
		if s.Shared {
			continue
		}
		switch bp.Target {
		case "local":
			if strings.TrimSpace(s.Run) == "" {
				fail(at+".run", "is required on the local target: the command that starts %s", s.Name)
			}
		case "aws":
			if s.Image == "" {
				fail(at+".image", "is required on the aws target: the container image of %s", s.Name)
			}
		}
	}
	if len(bp.Services) > 0 && entries != 1 {
		fail("services", "%d services are marked entry: true; mark exactly one", entries)
	}
}

// validateStub checks a stub service: prenv serves it, so it has none of
// what starts a program.
func (bp *Blueprint) validateStub(at string, s Service, fail func(field, format string, args ...any)) {
	for _, f := range []struct{ field, value string }{{"run", s.Run}, {"image", s.Image}} {
		if f.value != "" {
			fail(at+"."+f.field, "%s is a stub, which prenv serves from stub.mappings: remove %s", s.Name, f.field)
		}
	}
	if len(s.Env) > 0 {
		fail(at+".env", "%s is a stub, which reads no environment: remove env", s.Name)
	}
	if s.Health != StubHealth {
		fail(at+".health", "%s is a stub, which answers its health at %s: remove health", s.Name, StubHealth)
	}
	if strings.TrimSpace(s.Stub.Mappings) != s.Stub.Mappings {
		fail(at+".stub.mappings", "%q has spaces around it: write the directory alone", s.Stub.Mappings)
	}
}

// validateAWS checks the aws: section against the blueprint's database
// source, naming each missing or malformed field and what it should hold.
func (bp *Blueprint) validateAWS(fail func(field, format string, args ...any)) {
	a := bp.AWS
	required := []struct{ field, value, what string }{
		{"aws.region", a.Region, "the AWS region, e.g. eu-west-1"},
		{"aws.gateway", a.Gateway, "the shared Istio gateway as namespace/name, e.g. istio-system/preview"},
		{"aws.gateway-hostname", a.GatewayHostname, "the DNS name of the gateway's load balancer"},
		{"aws.hosted-zone-id", a.HostedZoneID, "the Route53 zone of dns.domain"},
		{"dns.domain", bp.DNS.Domain, "the domain under which pr-<n>.<domain> is created"},
	}
	if d := bp.Database; len(d.Anonymize.Rules) > 0 || (bp.HasDatabase() && (d.Migrations != "" || d.Migrate != "")) {
		required = append(required, struct{ field, value, what string }{"aws.anonymizer-image", a.AnonymizerImage, "an image with prenv and the repository that migrates the database and runs prenv anonymize"})
	}
	if bp.HasStubs() {
		required = append(required, struct{ field, value, what string }{"aws.stub-image", a.StubImage, "an image holding prenv that serves the stub services, e.g. ghcr.io/prenv/prenv:v1.2.3"})
	}
	databaseCIDRs := struct{ field, value, what string }{"aws.database-cidrs", strings.Join(a.DatabaseCIDRs, ","), "the CIDRs the databases live in, e.g. [10.0.64.0/20], the only destination of the pods' database egress"}
	switch bp.Database.Source {
	case "template":
		fail("database.source", "template is the local target's source; on aws use rds-snapshot, aurora-clone, ebs-snapshot or shared-instance")
	case "rds-snapshot", "aurora-clone":
		required = append(required,
			struct{ field, value, what string }{"aws.vpc-id", a.VPCID, "the VPC of the cluster, for the database's security group"},
			struct{ field, value, what string }{"aws.cluster-cidr", a.ClusterCIDR, "the CIDR of the cluster's pods, e.g. 10.0.0.0/16"},
			struct{ field, value, what string }{"aws.subnet-group", a.SubnetGroup, "the baseline's DB subnet group"},
			databaseCIDRs)
	case "shared-instance":
		required = append(required,
			struct{ field, value, what string }{"aws.shared-instance", a.SharedInstance, "the host name of the long-lived PostgreSQL instance that holds the template database.golden"},
			databaseCIDRs)
	}
	for _, r := range required {
		if r.value == "" {
			fail(r.field, "is required on the aws target: %s", r.what)
		}
	}
	for i, c := range a.DatabaseCIDRs {
		if _, _, err := net.ParseCIDR(c); err != nil {
			fail(fmt.Sprintf("aws.database-cidrs[%d]", i), "%q is not a CIDR; write it like 10.0.64.0/20", c)
		}
	}
	if class := bp.DatabaseInstanceClass(); bp.Database.Source == "aurora-clone" && (strings.HasSuffix(class, ".micro") || strings.HasSuffix(class, ".small")) {
		fail("aws.instance-class", "%s is not offered for aurora-postgresql (AWS answers InvalidParameterCombination); use db.t4g.medium or larger", class)
	}
	if a.HTTPInterceptor != "" && !interceptorPattern.MatchString(a.HTTPInterceptor) {
		fail("aws.http-interceptor", "%q is not namespace/service:port; write it like keda/keda-add-ons-http-interceptor-proxy:8080", a.HTTPInterceptor)
	}
	if a.IstioRevision != "" && !revisionPattern.MatchString(a.IstioRevision) {
		fail("aws.istio-revision", "%q is not a label value; use letters, digits, '-', '_' and '.', such as 1-22", a.IstioRevision)
	}
	if !envKeyPattern.MatchString(a.SharedInstancePassEnv) {
		fail("aws.shared-instance-password-env", "%q is not an environment variable name; use letters, digits and _", a.SharedInstancePassEnv)
	}
	if a.Cluster != "" {
		if err := CheckEKSCluster(a.Cluster); err != nil {
			fail("aws.cluster", "%v", err)
		}
		if a.Kubeconfig != "" || a.Context != "" {
			fail("aws.cluster", "names the cluster, and so do aws.kubeconfig and aws.context: keep aws.cluster (prenv reaches the cluster itself) or the kubeconfig, not both")
		}
	}
	if a.Gateway != "" && !gatewayPattern.MatchString(a.Gateway) {
		fail("aws.gateway", "%q is not namespace/name; write it like istio-system/preview", a.Gateway)
	}
	if a.ClusterCIDR != "" {
		if _, _, err := net.ParseCIDR(a.ClusterCIDR); err != nil {
			fail("aws.cluster-cidr", "%q is not a CIDR; write it like 10.0.0.0/16", a.ClusterCIDR)
		}
	}
	if !labelPattern.MatchString(a.BaselineNamespace) {
		fail("aws.baseline-namespace", "%q is not a namespace name; use a lowercase DNS label", a.BaselineNamespace)
	}
	for _, q := range []struct{ field, value string }{
		{"aws.requests.cpu", a.Requests.CPU}, {"aws.requests.memory", a.Requests.Memory},
		{"aws.limits.cpu", a.Limits.CPU}, {"aws.limits.memory", a.Limits.Memory}, {"aws.volume-size", a.VolumeSize},
	} {
		if !quantityPattern.MatchString(q.value) {
			fail(q.field, "%q is not a Kubernetes quantity; write it like 250m, 1, 512Mi or 20Gi", q.value)
		}
	}
	for i, p := range a.Policies {
		if !strings.HasSuffix(p, ".rego") {
			fail(fmt.Sprintf("aws.policies[%d]", i), "%q is not a .rego file; list Rego policy files", p)
		}
	}
}

// validateFinOps refuses a negative rate: every rate is a price per hour.
func (bp *Blueprint) validateFinOps(fail func(field, format string, args ...any)) {
	r := bp.FinOps.Rates
	for _, rate := range []struct {
		field string
		value float64
	}{{"finops.rates.environment-hour", r.EnvironmentHour}, {"finops.rates.vcpu-hour", r.VCPUHour}, {"finops.rates.gib-hour", r.GiBHour}} {
		if rate.value < 0 {
			fail(rate.field, "%v is negative; a rate is a price per hour, 0 or more", rate.value)
		}
	}
	for class, v := range r.DatabaseHour {
		switch {
		case strings.TrimSpace(class) == "":
			fail("finops.rates.database-hour", "has an empty instance class; key each rate by a class such as db.t4g.micro")
		case v < 0:
			fail("finops.rates.database-hour."+class, "%v is negative; a rate is a price per hour, 0 or more", v)
		}
	}
}

// CheckEKSCluster reports whether name can be an EKS cluster's name,
// saying what one looks like when it cannot.
func CheckEKSCluster(name string) error {
	if !clusterPattern.MatchString(name) {
		return fmt.Errorf("%q is not an EKS cluster name: 1 to 100 letters, digits, hyphens and underscores, starting with a letter or digit", name)
	}
	return nil
}

// validateClone checks database.clone and database.thin, which only the
// local target reads.
func (bp *Blueprint) validateClone(fail func(field, format string, args ...any)) {
	d := bp.Database
	if bp.Target != TargetLocal {
		if d.Clone != "" {
			fail("database.clone", "is the local target's; on %s leave it out (on aws, database.source: ebs-snapshot or aurora-clone is the copy-on-write clone)", bp.Target)
		}
		if d.Thin != (Thin{}) {
			fail("database.thin", "sizes the local target's thin clones; on %s leave it out", bp.Target)
		}
		return
	}
	if d.Thin.SharedBuffers != "" && !memoryPattern.MatchString(d.Thin.SharedBuffers) {
		fail("database.thin.shared-buffers", "%q is not a size PostgreSQL reads; write a whole number of kB, MB or GB, such as 128MB", d.Thin.SharedBuffers)
	}
	if d.Thin.MaxConnections != 0 && (d.Thin.MaxConnections < 10 || d.Thin.MaxConnections > 10000) {
		fail("database.thin.max-connections", "%d is out of range; use 10-10000 (prenv's own connections need a few)", d.Thin.MaxConnections)
	}
}
