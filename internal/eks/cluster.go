package eks

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/smithy-go"

	"github.com/prenv/prenv/stacks"
)

// Cluster is what a client needs to reach an EKS cluster's API server.
type Cluster struct {
	Name     string
	Region   string
	Endpoint string // https://<id>.<zone>.<region>.eks.amazonaws.com
	// CA is the PEM of the certificate authority the API server's
	// certificate is signed by.
	CA []byte
}

// Describe reads cluster's endpoint and certificate authority with
// eks:DescribeCluster.
func Describe(ctx context.Context, cfg aws.Config, cluster string) (Cluster, error) {
	if err := stacks.CheckEKSCluster(cluster); err != nil {
		return Cluster{}, stacks.Input(err)
	}
	if cfg.Region == "" {
		return Cluster{}, ErrNoRegion
	}
	if _, err := credentials(ctx, cfg); err != nil {
		return Cluster{}, err
	}
	out, err := eks.NewFromConfig(cfg).DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(cluster)})
	if err != nil {
		return Cluster{}, describeError(err, cluster, cfg.Region)
	}
	c := out.Cluster
	if c == nil || aws.ToString(c.Endpoint) == "" || c.CertificateAuthority == nil {
		status := "without an endpoint"
		if c != nil && c.Status != "" {
			status = string(c.Status)
		}
		return Cluster{}, fmt.Errorf("EKS cluster %s in %s is %s, not ACTIVE: wait until it is, then run again", cluster, cfg.Region, status)
	}
	ca, err := base64.StdEncoding.DecodeString(aws.ToString(c.CertificateAuthority.Data))
	if err != nil {
		return Cluster{}, fmt.Errorf("EKS cluster %s in %s: its certificate authority is not base64: %w", cluster, cfg.Region, err)
	}
	return Cluster{Name: cluster, Region: cfg.Region, Endpoint: aws.ToString(c.Endpoint), CA: ca}, nil
}

// describeError names the cause of a failed DescribeCluster and its fix.
func describeError(err error, cluster, region string) error {
	var notFound *types.ResourceNotFoundException
	if errors.As(err, &notFound) {
		return stacks.Input(fmt.Errorf("EKS cluster %s not found in %s: check aws.cluster and aws.region, and that the credentials are the cluster's account's", cluster, region))
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "AccessDeniedException", "AccessDenied":
			return stacks.Input(fmt.Errorf("not allowed to describe EKS cluster %s in %s (%s): grant the role eks:DescribeCluster on it", cluster, region, oneLine(api)))
		case "UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException", "InvalidSignatureException", "SignatureDoesNotMatch":
			return noCredentials(api)
		}
	}
	return fmt.Errorf("describe EKS cluster %s in %s: %s", cluster, region, oneLine(err))
}
