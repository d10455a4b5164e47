package aws

import (
	"context"
	"fmt"
	"path/filepath"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/prenv/prenv/stacks"
)

// OrphanFinder implements stacks.OrphanSource: the project's namespaces
// without a stack, in the cluster the blueprint names.
func (t Target) OrphanFinder(ctx context.Context, bp *stacks.Blueprint) (stacks.OrphanFinder, error) {
	client, err := t.kubeClient(ctx, bp, "look for orphaned namespaces in")
	if err != nil {
		return nil, err
	}
	return OrphanFinder{Namespaces: client.CoreV1().Namespaces(), Project: bp.Project}, nil
}

// kubeClient is a client of the cluster restConfig reaches; purpose says
// what for when there is none.
func (t Target) kubeClient(ctx context.Context, bp *stacks.Blueprint, purpose string) (kubernetes.Interface, error) {
	cfg, err := t.restConfig(ctx, bp, purpose)
	if err != nil {
		return nil, err
	}
	return kubernetes.NewForConfig(cfg)
}

// restConfig reaches aws.cluster's EKS cluster, or else the cluster the
// blueprint's aws.kubeconfig and aws.context name, or else $KUBECONFIG and
// ~/.kube/config.
func (t Target) restConfig(ctx context.Context, bp *stacks.Blueprint, purpose string) (*rest.Config, error) {
	if t.cluster != nil {
		data, err := t.cluster.kubeconfig(ctx)
		if err != nil {
			return nil, err
		}
		cfg, err := clientcmd.RESTConfigFromKubeConfig(data)
		if err != nil {
			return nil, fmt.Errorf("the kubeconfig of EKS cluster %s: %w", bp.AWS.Cluster, err)
		}
		return cfg, nil
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if bp.AWS.Kubeconfig != "" {
		rules.ExplicitPath = bp.Resolve(bp.AWS.Kubeconfig)
	} else if t.kubeconfigEnv != "" {
		rules.Precedence = filepath.SplitList(t.kubeconfigEnv)
	}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: bp.AWS.Context}).ClientConfig()
	if err != nil {
		return nil, stacks.Input(fmt.Errorf("no cluster to %s (%v): set aws.cluster, aws.kubeconfig or KUBECONFIG", purpose, err))
	}
	return cfg, nil
}
