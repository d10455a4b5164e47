package aws

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks"
)

// TestClusterReachedWithoutKubeconfig: with aws.cluster naming an EKS
// cluster (moto_server's), the Pulumi program's Kubernetes provider, the
// Terraform module's kubeconfig variable and the reaper's client all reach
// DescribeCluster's endpoint, as the exec plugin prenv eks-token; a
// rendering asks no cloud; an unknown cluster stops up with one line.
// Not parallel: the SDK's standard chain reads AWS_ENDPOINT_URL from the
// process environment.
func TestClusterReachedWithoutKubeconfig(t *testing.T) {
	m := testenv.MotoServer(t)
	t.Setenv("AWS_ENDPOINT_URL", m.Endpoint)
	const prenv = "/usr/local/bin/prenv"
	home := t.TempDir()
	base := m.Baseline(t)
	prepare := func(cluster string) (*stacks.Blueprint, stacks.Env, Target) {
		t.Helper()
		bp, err := stacks.Load("../../examples/aws/prenv.yaml")
		if err != nil {
			t.Fatal(err)
		}
		bp.AWS.Context, bp.AWS.Cluster, bp.AWS.Region = "", cluster, m.Region
		bp.AWS.HostedZoneID, bp.AWS.VPCID, bp.AWS.SubnetGroup, bp.Database.Golden = base.HostedZoneID, base.VPCID, base.SubnetGroup, base.Snapshot
		bp.Policy.AllowedSnapshots = []string{base.Snapshot}
		env, err := stacks.NewEnv(bp, stacks.EnvOptions{PR: 7, Repo: "acme/shop", SHA: "0123abcd", Now: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		target, err := Prepare(t.Context(), bp, stacks.Setup{Home: home, Getenv: os.Getenv, Binary: prenv, Env: env})
		if err != nil {
			t.Fatal(err)
		}
		return bp, env, target.(Target)
	}
	cluster := m.EKSCluster(t)
	bp, env, target := prepare(cluster)

	vars, err := target.TerraformVars(t.Context(), bp, env)
	if err != nil {
		t.Fatal(err)
	}
	path, _ := vars["kubeconfig"].(string)
	if want := filepath.Join(home, "eks", m.Region, cluster+".kubeconfig"); path != want {
		t.Fatalf("terraform variable kubeconfig = %q, want %s", path, want)
	}
	fromFile, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := clientcmd.Load(fromFile)
	if err != nil {
		t.Fatal(err)
	}
	server := loaded.Clusters[loaded.Contexts[loaded.CurrentContext].Cluster].Server
	if !strings.HasPrefix(server, "https://") || !strings.Contains(server, ".eks.amazonaws.com") {
		t.Errorf("server = %q, want the cluster's EKS endpoint", server)
	}
	exec := loaded.AuthInfos[loaded.Contexts[loaded.CurrentContext].AuthInfo].Exec
	if exec == nil || exec.Command != prenv || !slices.Equal(exec.Args, []string{"eks-token", "--cluster", cluster, "--region", m.Region}) {
		t.Errorf("exec = %+v, want %s eks-token --cluster %s --region %s", exec, prenv, cluster, m.Region)
	}

	// The program's Kubernetes provider gets the same kubeconfig.
	r, err := render(bp, env.Stack, func(ctx *pulumi.Context) (pulumi.Map, error) { return target.build(ctx, bp, env) })
	if err != nil {
		t.Fatal(err)
	}
	var providerConfig any
	for _, res := range r.Resources {
		if res.Type == "pulumi:providers:kubernetes" {
			providerConfig = res.Inputs["kubeconfig"]
		}
	}
	if providerConfig != string(fromFile) {
		t.Errorf("the Kubernetes provider's kubeconfig = %v, want the module's:\n%s", providerConfig, fromFile)
	}

	// The reaper's client asks the same server.
	rest, err := target.restConfig(t.Context(), bp, "test")
	if err != nil {
		t.Fatal(err)
	}
	if rest.Host != server || rest.ExecProvider == nil || rest.ExecProvider.Command != prenv {
		t.Errorf("the reaper's client asks %s as %+v, want %s as %s", rest.Host, rest.ExecProvider, server, prenv)
	}

	// An unknown cluster: a rendering never asks, up stops before anything runs.
	bp, env, target = prepare("no-such-cluster")
	if _, err := Render(bp, env, target); err != nil {
		t.Errorf("a rendering asked for the cluster: %v", err)
	}
	err = target.Check(t.Context(), bp, env)
	if err == nil || !stacks.IsInput(err) || strings.Contains(err.Error(), "\n") ||
		!strings.Contains(err.Error(), "EKS cluster no-such-cluster not found in "+m.Region+": check aws.cluster and aws.region") {
		t.Errorf("Check = %v, want one input-error line naming the cluster and the fields to check", err)
	}
	if _, err := target.TerraformVars(t.Context(), bp, env); err == nil || !stacks.IsInput(err) {
		t.Errorf("TerraformVars = %v, want the same input error", err)
	}
}

// TestNoClusterKeepsTodaysKubeconfig: without aws.cluster the module's
// kubeconfig variable is the blueprint's aws.kubeconfig (none here), and
// nothing is described.
func TestNoClusterKeepsTodaysKubeconfig(t *testing.T) {
	t.Parallel()
	bp, err := stacks.Load("../../examples/aws/prenv.yaml")
	if err != nil {
		t.Fatal(err)
	}
	env, err := stacks.NewEnv(bp, stacks.EnvOptions{PR: 7, Repo: "acme/shop", SHA: "0123abcd", Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	target, err := Prepare(t.Context(), bp, stacks.Setup{Home: t.TempDir(), Getenv: func(string) string { return "" }, Binary: "prenv", Env: env})
	if err != nil {
		t.Fatal(err)
	}
	vars, err := target.(Target).TerraformVars(t.Context(), bp, env)
	if err != nil {
		t.Fatal(err)
	}
	if k, ok := vars["kubeconfig"]; ok || vars["kube_context"] != bp.AWS.Context {
		t.Errorf("TerraformVars: kubeconfig = %v, kube_context = %v; want none and %q, the blueprint's", k, vars["kube_context"], bp.AWS.Context)
	}
	if target.(Target).cluster != nil {
		t.Errorf("a blueprint without aws.cluster has a cluster to describe")
	}
}
