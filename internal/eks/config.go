package eks

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/prenv/prenv/stacks"
)

// ErrNoRegion is returned when neither the caller nor the standard chain
// names a region.
var ErrNoRegion = stacks.Input(errors.New("no AWS region: pass --region (aws.region in the blueprint) or set AWS_REGION"))

// LoadConfig loads the AWS configuration from the SDK's standard chain:
// AWS_* variables (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_EKS or _STS
// included), the shared files and AWS_PROFILE, web identity (the OIDC role
// of aws-actions/configure-aws-credentials), then the instance's role.
// region, when set, wins over the chain's.
func LoadConfig(ctx context.Context, region string) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, stacks.Input(fmt.Errorf("load the AWS configuration: %w; check AWS_PROFILE and ~/.aws/config", err))
	}
	if cfg.Region == "" {
		return aws.Config{}, ErrNoRegion
	}
	return cfg, nil
}

// credentials retrieves cfg's credentials, or says how to give some.
func credentials(ctx context.Context, cfg aws.Config) (aws.Credentials, error) {
	if cfg.Credentials == nil {
		return aws.Credentials{}, noCredentials(errors.New("none configured"))
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return aws.Credentials{}, ctx.Err()
		}
		return aws.Credentials{}, noCredentials(err)
	}
	return creds, nil
}

func noCredentials(cause error) error {
	return stacks.Input(fmt.Errorf("no AWS credentials to reach the EKS cluster (%s): in GitHub Actions run aws-actions/configure-aws-credentials with role-to-assume first (OIDC, permissions: id-token: write); elsewhere set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", oneLine(cause)))
}
