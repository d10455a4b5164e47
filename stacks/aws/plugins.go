package aws

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/stacks"
)

// Plugin is one Pulumi resource plugin the program needs, pinned so that a
// real runner installs exactly this version.
type Plugin struct {
	Name    string // aws, kubernetes or random
	Version string // without the leading v
}

// Plugins are the resource plugins of the aws target, at the versions of
// the SDKs it is compiled against.
var Plugins = []Plugin{{"aws", "6.83.0"}, {"kubernetes", "4.23.0"}, {"random", "4.18.2"}}

// pluginVersion returns the pinned version of plugin name.
func pluginVersion(name string) string {
	for _, p := range Plugins {
		if p.Name == name {
			return p.Version
		}
	}
	panic("aws: no pinned version for plugin " + name)
}

// CheckPlugins reports the pinned plugins missing from pulumiHome
// ($PULUMI_HOME, usually ~/.pulumi), naming the command that installs them.
func CheckPlugins(pulumiHome string) error {
	var missing, install []string
	for _, p := range Plugins {
		dir := filepath.Join(pulumiHome, "plugins", fmt.Sprintf("resource-%s-v%s", p.Name, p.Version))
		if _, err := os.Stat(dir); err != nil {
			missing = append(missing, fmt.Sprintf("%s v%s", p.Name, p.Version))
			install = append(install, fmt.Sprintf("pulumi plugin install resource %s v%s", p.Name, p.Version))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("the aws target needs the Pulumi plugins %s, missing from %s: run `%s` (prenv render works without them)",
		strings.Join(missing, ", "), pulumiHome, strings.Join(install, " && "))
}

// providers are the explicit provider instances every resource uses.
type providers struct {
	k8s *kubernetes.Provider
	aws *aws.Provider
}

// newProviders makes the Kubernetes provider from the blueprint's
// kubeconfig and context and the AWS provider for its region, each at its
// pinned plugin version.
func newProviders(ctx *pulumi.Context, bp *stacks.Blueprint) (providers, error) {
	var p providers
	args := &kubernetes.ProviderArgs{EnableServerSideApply: pulumi.BoolPtr(true)}
	if bp.AWS.Kubeconfig != "" {
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
