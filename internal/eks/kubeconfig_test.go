package eks_test

import (
	"encoding/base64"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awseks "github.com/aws/aws-sdk-go-v2/service/eks"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/prenv/prenv/internal/eks"
	"github.com/prenv/prenv/internal/testenv"
)

// TestKubeconfigReachesTheDescribedCluster: a cluster made through the EKS
// API on moto_server gets a kubeconfig that client-go loads, whose server
// and certificate authority are DescribeCluster's, and whose user runs
// prenv eks-token for that cluster and region, never interactively.
func TestKubeconfigReachesTheDescribedCluster(t *testing.T) {
	t.Parallel()
	m := testenv.MotoServer(t)
	cluster := m.EKSCluster(t)
	const prenv = "/opt/prenv/bin/prenv"
	data, err := eks.Kubeconfig(t.Context(), m.Config(), cluster, prenv)
	if err != nil {
		t.Fatal(err)
	}
	described, err := awseks.NewFromConfig(m.Config()).DescribeCluster(t.Context(), &awseks.DescribeClusterInput{Name: aws.String(cluster)})
	if err != nil {
		t.Fatal(err)
	}
	wantCA, err := base64.StdEncoding.DecodeString(aws.ToString(described.Cluster.CertificateAuthority.Data))
	if err != nil {
		t.Fatal(err)
	}

	loaded, err := clientcmd.Load(data)
	if err != nil {
		t.Fatalf("clientcmd cannot load the kubeconfig: %v\n%s", err, data)
	}
	rest, err := clientcmd.NewDefaultClientConfig(*loaded, &clientcmd.ConfigOverrides{}).ClientConfig()
	if err != nil {
		t.Fatalf("the kubeconfig has no usable current context: %v\n%s", err, data)
	}
	if got, want := rest.Host, aws.ToString(described.Cluster.Endpoint); got != want || want == "" {
		t.Errorf("server = %q, want DescribeCluster's endpoint %q", got, want)
	}
	if got := rest.TLSClientConfig.CAData; string(got) != string(wantCA) || len(wantCA) == 0 {
		t.Errorf("CA data = %d bytes, want DescribeCluster's %d", len(got), len(wantCA))
	}
	exec := rest.ExecProvider
	if exec == nil {
		t.Fatalf("the user has no exec plugin:\n%s", data)
	}
	if exec.Command != prenv || exec.APIVersion != "client.authentication.k8s.io/v1beta1" || exec.InteractiveMode != clientcmdapi.NeverExecInteractiveMode {
		t.Errorf("exec = %s %s, interactive %s; want %s, client.authentication.k8s.io/v1beta1, Never", exec.Command, exec.APIVersion, exec.InteractiveMode, prenv)
	}
	if want := []string{"eks-token", "--cluster", cluster, "--region", m.Region}; !slices.Equal(exec.Args, want) {
		t.Errorf("exec args = %q, want %q", exec.Args, want)
	}
}
