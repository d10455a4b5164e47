// Package aws is the production target: each environment is a Pulumi stack
// in a team's existing EKS cluster and AWS account.
//
// Its program creates the environment's namespace (owner labels, expiry,
// Istio injection, a default-deny NetworkPolicy and its allows), a
// Deployment and Service per service the environment runs (ExternalName
// Services for shared ones in isolated mode; only changed services in
// sandbox mode, with the routes stack sending their routing key's requests
// to them), a database cloned from the golden by one of three sources
// (rds-snapshot, aurora-clone, ebs-snapshot) with its own role, Secret and
// an anonymisation Job that finishes before any service starts, a
// VirtualService on the shared gateway and a Route53 record for
// pr-<n>.<domain>, and an optional KEDA ScaledObject per service.
//
// Render runs the same program under Pulumi's mocks, with no credentials
// or plugins, and returns what it would create: Kubernetes objects as
// manifests and AWS resources with their key inputs.
//
//	t := aws.Target{BaseSHA: base}
//	r, err := aws.Render(bp, env, t)
//	if err != nil {
//		return err
//	}
//	err = r.WriteManifests(os.Stdout) // ready for kubectl apply --dry-run=server
package aws
