package eks

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Kubeconfig describes cluster and returns a kubeconfig that reaches it:
// its endpoint and certificate authority, and a user whose credentials
// come from running execPath (prenv) as an exec plugin:
// `execPath eks-token --cluster NAME --region R`. It holds no secret.
func Kubeconfig(ctx context.Context, cfg aws.Config, cluster, execPath string) ([]byte, error) {
	c, err := Describe(ctx, cfg, cluster)
	if err != nil {
		return nil, err
	}
	return clientcmd.Write(kubeconfigOf(c, execPath))
}

// kubeconfigOf is the kubeconfig of c, with one context named after it.
func kubeconfigOf(c Cluster, execPath string) clientcmdapi.Config {
	name := c.Name
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[name] = &clientcmdapi.Cluster{Server: c.Endpoint, CertificateAuthorityData: c.CA}
	cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{
		APIVersion:      ExecAPIVersion,
		Command:         execPath,
		Args:            ExecArgs(c.Name, c.Region),
		InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
	}}
	cfg.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name}
	cfg.CurrentContext = name
	return *cfg
}

// ExecArgs are the arguments of the exec plugin that prints a token for
// cluster in region.
func ExecArgs(cluster, region string) []string {
	return []string{"eks-token", "--cluster", cluster, "--region", region}
}
