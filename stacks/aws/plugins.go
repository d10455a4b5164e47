package aws

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/stacks"
)

// Plugins are the resource plugins of the aws target, at the versions of
// the SDKs it is compiled against. The Pulumi engine installs a missing one
// before up or preview; the Action's image holds them already. `make
// tools` builds the kubernetes one from source too, for the end-to-end
// tests on a simulated cluster; its Makefile reads the version here.
var Plugins = []stacks.Plugin{
	{Name: "aws", Version: "6.83.0"},
	{Name: "kubernetes", Version: "4.23.0", Built: "bin/pulumi-resource-kubernetes"},
	{Name: "random", Version: "4.18.2"},
}

// pluginVersion returns the pinned version of plugin name.
func pluginVersion(name string) string {
	for _, p := range Plugins {
		if p.Name == name {
			return p.Version
		}
	}
	panic("aws: no pinned version for plugin " + name)
}

// providers are the explicit provider instances every resource uses.
type providers struct {
	k8s *kubernetes.Provider
	aws *aws.Provider
}

// newProviders makes the Kubernetes provider from the kubeconfig prenv
// builds for aws.cluster (cluster), else from the blueprint's kubeconfig
// and context, and the AWS provider for its region, each at its pinned
// plugin version.
func newProviders(ctx *pulumi.Context, bp *stacks.Blueprint, cluster *eksCluster) (providers, error) {
	var p providers
	args := &kubernetes.ProviderArgs{EnableServerSideApply: pulumi.BoolPtr(true)}
	if cluster != nil {
		data, err := cluster.kubeconfig(ctx.Context())
		if err != nil {
			return p, err
		}
		args.Kubeconfig = pulumi.StringPtr(string(data))
	} else if bp.AWS.Kubeconfig != "" {
		data, err := os.ReadFile(bp.Resolve(bp.AWS.Kubeconfig))
		if err != nil {
			return p, fmt.Errorf("read aws.kubeconfig: %w; point it at the EKS cluster's kubeconfig or leave it out to use $KUBECONFIG", err)
		}
		args.Kubeconfig = pulumi.StringPtr(string(data))
	}
	if bp.AWS.Context != "" {
		args.Context = pulumi.StringPtr(bp.AWS.Context)
	}
	var err error
	if p.k8s, err = kubernetes.NewProvider(ctx, "eks", args, pulumi.Version(pluginVersion("kubernetes"))); err != nil {
		return p, err
	}
	p.aws, err = aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.StringPtr(bp.AWS.Region)}, pulumi.Version(pluginVersion("aws")))
	return p, err
}
