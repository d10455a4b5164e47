package cli

import (
	"fmt"
	"path/filepath"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/prenv/prenv/internal/reaper"
	"github.com/prenv/prenv/stacks"
	awstarget "github.com/prenv/prenv/stacks/aws"
	"github.com/prenv/prenv/stacks/local"
)

// orphanFinders are the finders of the session's target, if it has any.
func (a *App) orphanFinders(s *session) []reaper.OrphanFinder {
	switch {
	case s.local != nil:
		return []reaper.OrphanFinder{local.OrphanFinder{Target: *s.local, Project: s.bp.Project}}
	case s.bp.Target == "aws":
		client, err := a.kubeClient(s.bp)
		if err != nil {
			// A missing cluster fails the orphan sweep, not the reap.
			return []reaper.OrphanFinder{reaper.Unavailable(err)}
		}
		return []reaper.OrphanFinder{awstarget.OrphanFinder{Namespaces: client.CoreV1().Namespaces(), Project: s.bp.Project}}
	}
	return nil
}

// kubeClient reaches the cluster the blueprint's aws.kubeconfig and
// aws.context name, or else $KUBECONFIG and ~/.kube/config.
func (a *App) kubeClient(bp *stacks.Blueprint) (kubernetes.Interface, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if bp.AWS.Kubeconfig != "" {
		rules.ExplicitPath = bp.Resolve(bp.AWS.Kubeconfig)
	} else if kc := a.Getenv("KUBECONFIG"); kc != "" {
		rules.Precedence = filepath.SplitList(kc)
	}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: bp.AWS.Context}).ClientConfig()
	if err != nil {
		return nil, usage(fmt.Errorf("no cluster to look for orphaned namespaces in (%v): set aws.kubeconfig or KUBECONFIG", err))
	}
	return kubernetes.NewForConfig(cfg)
}
