package aws_test

import (
	"strings"
	"testing"

	"github.com/prenv/prenv/stacks"
)

// awsBlueprint is a valid aws blueprint that a test can break by
// replacing one line.
const awsBlueprint = `project: shop
target: aws
services:
  - {name: web, image: example.com/web}
database:
  source: rds-snapshot
  golden: golden-1
  anonymize:
    rules:
      users.email: {transformer: email}
dns: {domain: preview.example.com}
policy: {allow-public: true}
aws:
  region: eu-west-1
  gateway: istio-system/preview
  gateway-hostname: lb.example.com
  hosted-zone-id: Z1
  vpc-id: vpc-1
  cluster-cidr: 10.0.0.0/16
  database-cidrs: [10.1.0.0/24]
  subnet-group: baseline
  anonymizer-image: example.com/prenv
`

func TestAWSSectionChecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, old, new string
		want           string // "" means valid
	}{
		{name: "valid"},
		{name: "oidc without issuer", old: "dns: {", new: "access: {mode: oidc, provider: oauth2-proxy}\ndns: {", want: "prenv.yaml:11: access.issuer: is required with mode oidc"},
		{name: "oidc issuer not https", old: "dns: {", new: "access: {mode: oidc, provider: oauth2-proxy, issuer: 'http://idp'}\ndns: {", want: `access.issuer: "http://idp" is not an https URL`},
		{name: "oidc provider malformed", old: "dns: {", new: "access: {mode: oidc, provider: 'oauth2 proxy', issuer: 'https://idp'}\ndns: {", want: `access.provider: "oauth2 proxy" is not an extension provider name`},
		{name: "unknown access mode", old: "dns: {", new: "access: {mode: private}\ndns: {", want: "access.mode"},
		{name: "oidc valid", old: "dns: {", new: "access: {mode: oidc, provider: oauth2-proxy, issuer: 'https://idp', audiences: [ci]}\ndns: {"},
		{name: "region missing", old: "  region: eu-west-1\n", want: "prenv.yaml:13: aws.region: is required on the aws target: the AWS region"},
		{name: "gateway malformed", old: "istio-system/preview", new: "preview", want: `aws.gateway: "preview" is not namespace/name`},
		{name: "local source", old: "source: rds-snapshot", new: "source: template", want: "database.source: template is the local target's source"},
		{name: "rds needs the network", old: "  subnet-group: baseline\n", want: "aws.subnet-group: is required on the aws target"},
		{name: "cidr", old: "10.0.0.0/16", new: "10.0.0.0", want: `aws.cluster-cidr: "10.0.0.0" is not a CIDR`},
		{name: "quantity", old: "  anonymizer-image: example.com/prenv\n", new: "  anonymizer-image: example.com/prenv\n  limits: {cpu: lots}\n", want: `aws.limits.cpu: "lots" is not a Kubernetes quantity`},
		{name: "policy file", old: "  anonymizer-image: example.com/prenv\n", new: "  anonymizer-image: example.com/prenv\n  policies: [rules.txt]\n", want: `aws.policies[0]: "rules.txt" is not a .rego file`},
		{name: "anonymizer needed with rules", old: "  anonymizer-image: example.com/prenv\n", want: "aws.anonymizer-image: is required on the aws target"},
		{name: "domain needed", old: "dns: {domain: preview.example.com}\n", want: "dns.domain: is required on the aws target"},
		{name: "cluster", old: "  region: eu-west-1\n", new: "  region: eu-west-1\n  cluster: platform_eks-1\n"},
		{name: "cluster malformed", old: "  region: eu-west-1\n", new: "  region: eu-west-1\n  cluster: platform.eks\n", want: `prenv.yaml:15: aws.cluster: "platform.eks" is not an EKS cluster name: 1 to 100 letters, digits, hyphens and underscores`},
		{name: "cluster and kubeconfig", old: "  region: eu-west-1\n", new: "  region: eu-west-1\n  cluster: platform\n  kubeconfig: eks.yaml\n", want: "aws.cluster: names the cluster, and so do aws.kubeconfig and aws.context"},
		{name: "unknown key", old: "  vpc-id: vpc-1\n", new: "  vpc: vpc-1\n", want: "aws.vpc: unknown field; allowed here: region"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := awsBlueprint
			if tt.old != "" {
				if !strings.Contains(src, tt.old) {
					t.Fatalf("the blueprint has no %q", tt.old)
				}
				src = strings.Replace(src, tt.old, tt.new, 1)
			}
			bp, err := stacks.Parse("prenv.yaml", []byte(src))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Parse: %v", err)
			case tt.want == "":
				if bp.DatabaseInstanceClass() != "db.t4g.micro" || bp.AWS.BaselineNamespace != "baseline" || bp.AWS.Requests.CPU != "100m" {
					t.Errorf("defaults not applied: %+v", bp.AWS)
				}
			case err == nil || !strings.Contains(err.Error(), tt.want):
				t.Errorf("Parse: %v, want %q", err, tt.want)
			}
		})
	}
}
