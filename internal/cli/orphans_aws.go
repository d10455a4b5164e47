package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/prenv/prenv/stacks"
	awstarget "github.com/prenv/prenv/stacks/aws"
)

// sweepAWSOrphans reports the namespaces prenv made for the project's PR
// environments that have no stack, and with --delete-orphans deletes those
// older than --orphan-grace (a younger one may belong to an up whose stack
// the listing missed).
func (a *App) sweepAWSOrphans(ctx context.Context, bp *stacks.Blueprint, stackNames []string, r *reapFlags) error {
	client, err := a.kubeClient(bp)
	if err != nil {
		return err
	}
	namespaces := client.CoreV1().Namespaces()
	orphans, err := awstarget.Orphans(ctx, namespaces, bp.Project, stackNames, time.Now())
	if err != nil {
		return fmt.Errorf("look for orphaned namespaces: %w", err)
	}
	var due []awstarget.Orphan
	for _, o := range orphans {
		state := "reported; pass --delete-orphans to delete it"
		switch {
		case o.Terminating:
			state = "being deleted"
		case o.Age < r.orphanGrace:
			state = fmt.Sprintf("%s old, kept for the %s grace period", age(o.Age), r.orphanGrace)
		case r.deleteOrphans && r.dryRun:
			state = "would be deleted (dry run)"
		case r.deleteOrphans:
			due, state = append(due, o), "deleted"
		}
		fmt.Fprintf(a.Stdout, "orphan %-8s %-40s of %s: %s\n", "namespace", o.Namespace, o.Env, state)
	}
	return awstarget.DeleteOrphans(ctx, namespaces, due)
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
