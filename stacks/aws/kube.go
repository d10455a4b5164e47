package aws

import (
	"fmt"
	"path/filepath"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/prenv/prenv/stacks"
)

// OrphanFinder implements stacks.OrphanSource: the project's namespaces
// without a stack, in the cluster the blueprint names.
func (t Target) OrphanFinder(bp *stacks.Blueprint) (stacks.OrphanFinder, error) {
	client, err := t.kubeClient(bp, "look for orphaned namespaces in")
	if err != nil {
		return nil, err
	}
	return OrphanFinder{Namespaces: client.CoreV1().Namespaces(), Project: bp.Project}, nil
}

// kubeClient reaches the cluster the blueprint's aws.kubeconfig and
// aws.context name, or else $KUBECONFIG and ~/.kube/config; purpose says
// what for when there is none.
func (t Target) kubeClient(bp *stacks.Blueprint, purpose string) (kubernetes.Interface, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if bp.AWS.Kubeconfig != "" {
		rules.ExplicitPath = bp.Resolve(bp.AWS.Kubeconfig)
	} else if t.kubeconfigEnv != "" {
		rules.Precedence = filepath.SplitList(t.kubeconfigEnv)
	}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: bp.AWS.Context}).ClientConfig()
	if err != nil {
		return nil, stacks.Input(fmt.Errorf("no cluster to %s (%v): set aws.kubeconfig or KUBECONFIG", purpose, err))
	}
	return kubernetes.NewForConfig(cfg)
}
