package aws

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/prenv/prenv/internal/naming"
)

// NamespaceClient is the part of client-go's NamespaceInterface the
// orphan sweep uses.
type NamespaceClient interface {
	List(ctx context.Context, opts metav1.ListOptions) (*corev1.NamespaceList, error)
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
}

// Orphan is a namespace prenv made for one of the project's PR
// environments whose stack no longer exists: what a run killed before it
// recorded its namespace, or a stack removed by hand, leaves behind.
type Orphan struct {
	Namespace   string
	Env         string // the pr-<n> environment it was made for
	UID         string // so a deletion cannot hit a namespace recreated since
	Age         time.Duration
	Terminating bool // already being deleted
}

// OwnerSelector selects the namespaces prenv made for project.
func OwnerSelector(project string) string {
	return fmt.Sprintf("%s=%s,%s=%s", LabelManagedBy, ManagedBy, LabelProject, project)
}

// Orphans lists the namespaces carrying project's owner labels that belong
// to a PR environment not in live, the names of the project's stacks. The
// baseline and anything without prenv's labels are never orphans.
func Orphans(ctx context.Context, c NamespaceClient, project string, live []string, now time.Time) ([]Orphan, error) {
	list, err := c.List(ctx, metav1.ListOptions{LabelSelector: OwnerSelector(project)})
	if err != nil {
		return nil, fmt.Errorf("list prenv's namespaces: %w", err)
	}
	var out []Orphan
	for _, ns := range list.Items {
		env := ns.Labels[LabelEnv]
		if _, isPR := naming.PRFromEnv(env); !isPR || env != ns.Name || slices.Contains(live, env) {
			continue
		}
		out = append(out, Orphan{
			Namespace: ns.Name, Env: env, UID: string(ns.UID),
			Age:         now.Sub(ns.CreationTimestamp.Time),
			Terminating: ns.DeletionTimestamp != nil,
		})
	}
	slices.SortFunc(out, func(a, b Orphan) int { return compareNames(a.Namespace, b.Namespace) })
	return out, nil
}

// DeleteOrphans deletes each orphan's namespace, and with it everything in
// it, provided it is still the namespace that was listed.
func DeleteOrphans(ctx context.Context, c NamespaceClient, orphans []Orphan) error {
	var errs []error
	for _, o := range orphans {
		uid := types.UID(o.UID)
		err := c.Delete(ctx, o.Namespace, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
		if err != nil {
			errs = append(errs, fmt.Errorf("delete orphaned namespace %s: %w", o.Namespace, err))
		}
	}
	return errors.Join(errs...)
}

func compareNames(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return slices.Compare([]byte(a), []byte(b))
}
