package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/internal/eks"
	"github.com/prenv/prenv/stacks"
)

func (a *App) eksTokenCommand() *cobra.Command {
	var cluster, region string
	cmd := &cobra.Command{
		Use:   "eks-token",
		Short: "Print a token for an EKS cluster, as a kubeconfig's exec credential plugin",
		Long: "eks-token signs a token for an EKS cluster, as aws-iam-authenticator and `aws eks get-token` do, and prints it as " +
			"client.authentication.k8s.io/v1beta1 ExecCredential JSON. The kubeconfigs prenv builds for aws.cluster run it, and " +
			"client-go runs it again before each token expires. Credentials and region come from the AWS SDK's standard chain " +
			"(AWS_* variables, AWS_PROFILE, the OIDC role of aws-actions/configure-aws-credentials); --region wins over the chain's.",
		Example: "  prenv eks-token --cluster platform --region eu-west-1",
		Args:    exactArgs(0),
	}
	cmd.Flags().StringVar(&cluster, "cluster", "", "name of the EKS cluster")
	cmd.Flags().StringVar(&region, "region", "", "AWS region of the cluster (default: the standard chain's, such as $AWS_REGION)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return a.eksToken(cmd.Context(), cluster, region) }
	return cmd
}

// eksToken is prenv eks-token.
func (a *App) eksToken(ctx context.Context, cluster, region string) error {
	if cluster == "" {
		return usage(errors.New("eks-token needs --cluster NAME, the EKS cluster to sign a token for"))
	}
	if err := stacks.CheckEKSCluster(cluster); err != nil {
		return usage(fmt.Errorf("--cluster %w", err))
	}
	cfg, err := eks.LoadConfig(ctx, region)
	if err != nil {
		return err
	}
	token, expires, err := eks.Token(ctx, cfg, cluster)
	if err != nil {
		return err
	}
	credential, err := eks.ExecCredential(token, expires)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.Stdout, "%s\n", credential)
	return err
}
