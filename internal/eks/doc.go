// Package eks reaches an EKS cluster without the aws CLI: it reads the
// cluster's endpoint and certificate authority with eks:DescribeCluster,
// and signs the bearer tokens the cluster's authenticator accepts, the way
// aws-iam-authenticator does (a presigned STS GetCallerIdentity URL naming
// the cluster in the signed x-k8s-aws-id header). Credentials and region
// come from the AWS SDK's standard chain, so the OIDC role that
// aws-actions/configure-aws-credentials gives a GitHub job is enough.
//
// Kubeconfig writes a kubeconfig whose user is an exec credential plugin:
// prenv itself, run as `prenv eks-token --cluster NAME --region R`, which
// prints ExecCredential's JSON. client-go runs it again whenever the token
// nears its expiry, so a long `up` never holds a stale token, and no token
// is ever written to a file or a stack's state.
//
//	cfg, err := eks.LoadConfig(ctx, "eu-west-1")
//	kubeconfig, err := eks.Kubeconfig(ctx, cfg, "platform", "/usr/local/bin/prenv")
//	token, expires, err := eks.Token(ctx, cfg, "platform")
//	credential, err := eks.ExecCredential(token, expires)
package eks
