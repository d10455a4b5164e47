package aws_test

import (
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/aws"
)

// TestOrphansOnARealAPIServer: only namespaces with the project's owner
// labels, of PR environments without a stack, are orphans; deleting them
// deletes exactly those.
func TestOrphansOnARealAPIServer(t *testing.T) {
	t.Parallel()
	kube := testenv.KubeAPIServer(t)
	namespaces := kube.Clientset.CoreV1().Namespaces()
	owned := func(project, env string) map[string]string {
		return map[string]string{aws.LabelManagedBy: aws.ManagedBy, aws.LabelProject: project, aws.LabelEnv: env}
	}
	for name, labels := range map[string]map[string]string{
		"pr-1":     owned("shop", "pr-1"),  // orphan
		"pr-2":     owned("shop", "pr-2"),  // orphan
		"pr-3":     owned("shop", "pr-3"),  // has a stack
		"pr-5":     owned("other", "pr-5"), // another project's
		"baseline": owned("shop", "baseline"),
		"pr-6":     {aws.LabelEnv: "pr-6"}, // not prenv's
		"team":     nil,
	} {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
		if _, err := namespaces.Create(t.Context(), ns, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := aws.Orphans(t.Context(), namespaces, "shop", []string{"pr-3", "baseline"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range got {
		names = append(names, o.Namespace)
		if o.Terminating || o.UID == "" || o.Age < 0 || o.Age > time.Minute {
			t.Errorf("orphan %+v: want a live namespace with its UID and a small age", o)
		}
	}
	if !slices.Equal(names, []string{"pr-1", "pr-2"}) {
		t.Fatalf("orphans %v, want pr-1 and pr-2", names)
	}
	if err := aws.DeleteOrphans(t.Context(), namespaces, got[:1]); err != nil {
		t.Fatal(err)
	}
	// No namespace controller runs here: a deleted namespace stays terminating.
	got, err = aws.Orphans(t.Context(), namespaces, "shop", []string{"pr-3"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got[0].Terminating || got[1].Terminating {
		t.Errorf("after deleting pr-1: %+v, want pr-1 terminating and pr-2 untouched", got)
	}
	for _, name := range []string{"pr-3", "pr-5", "baseline", "pr-6", "team"} {
		ns, err := namespaces.Get(t.Context(), name, metav1.GetOptions{})
		if err != nil || ns.DeletionTimestamp != nil {
			t.Errorf("namespace %s was touched: %v", name, err)
		}
	}
	stale := got[1]
	stale.UID = "not-its-uid"
	if err := aws.DeleteOrphans(t.Context(), namespaces, []aws.Orphan{stale}); err == nil {
		t.Error("deleting pr-2 by a UID it no longer has succeeded, want the precondition to refuse")
	}
}

// TestOrphanFinderOnARealAPIServer: the finder reports the project's
// orphaned namespaces in the reaper's form (deleted on request only, with
// their age and UID), and sweeps exactly those it was given.
func TestOrphanFinderOnARealAPIServer(t *testing.T) {
	t.Parallel()
	kube := testenv.KubeAPIServer(t)
	namespaces := kube.Clientset.CoreV1().Namespaces()
	for _, name := range []string{"pr-1", "pr-3"} {
		labels := map[string]string{aws.LabelManagedBy: aws.ManagedBy, aws.LabelProject: "shop", aws.LabelEnv: name}
		if _, err := namespaces.Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	finder := aws.OrphanFinder{Namespaces: namespaces, Project: "shop"}
	got, err := finder.Orphans(t.Context(), []string{"pr-3"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("orphans %+v, want pr-1 alone", got)
	}
	o := got[0]
	if o.Kind != "namespace" || o.Name != "pr-1" || o.Env != "pr-1" || o.ID == "" || !o.OnRequest || o.Terminating ||
		time.Since(o.Created) < 0 || time.Since(o.Created) > time.Minute {
		t.Errorf("orphan %+v: want namespace pr-1 with its UID, made just now, deleted on request", o)
	}
	stale := o
	stale.ID = "not-its-uid"
	if err := finder.Sweep(t.Context(), []stacks.Orphan{stale}); err == nil {
		t.Error("sweeping pr-1 by a UID it does not have succeeded, want the precondition to refuse")
	}
	if err := finder.Sweep(t.Context(), got); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"pr-1": true, "pr-3": false} {
		ns, err := namespaces.Get(t.Context(), name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if deleting := ns.DeletionTimestamp != nil; deleting != want {
			t.Errorf("namespace %s: deleting %v, want %v", name, deleting, want)
		}
	}
}
