package testenv

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Namespace creates a namespace of the test's own, named prefix and a
// random suffix, and deletes it when the test ends.
func (c *SimCluster) Namespace(t testing.TB, prefix string) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: prefix + "-"}}
	created, err := c.Clientset.CoreV1().Namespaces().Create(t.Context(), ns, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = c.Clientset.CoreV1().Namespaces().Delete(context.Background(), created.Name, metav1.DeleteOptions{})
	})
	return created.Name
}

// StaticVolume stands in for a storage provisioner, which a cluster with
// no container runtime lacks: it creates StorageClass class, if there is
// none, that provisions nothing and binds at once, and a hostPath
// PersistentVolume of size in it. A claim of that class (and at most that
// size) binds to the volume, as one restored from a VolumeSnapshot would
// to the volume a CSI driver made. What it created is deleted when the
// test ends.
func (c *SimCluster) StaticVolume(t testing.TB, class, size string) {
	t.Helper()
	immediate := storagev1.VolumeBindingImmediate
	_, err := c.Clientset.StorageV1().StorageClasses().Create(t.Context(), &storagev1.StorageClass{
		ObjectMeta:        metav1.ObjectMeta{Name: class},
		Provisioner:       "kubernetes.io/no-provisioner",
		VolumeBindingMode: &immediate,
	}, metav1.CreateOptions{})
	switch {
	case err == nil:
		t.Cleanup(func() {
			_ = c.Clientset.StorageV1().StorageClasses().Delete(context.Background(), class, metav1.DeleteOptions{})
		})
	case !apierrors.IsAlreadyExists(err):
		t.Fatal(err)
	}
	pv, err := c.Clientset.CoreV1().PersistentVolumes().Create(t.Context(), &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{GenerateName: class + "-"},
		Spec: corev1.PersistentVolumeSpec{
			StorageClassName:              class,
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(size)},
			AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRetain,
			PersistentVolumeSource:        corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/prenv-sim/" + class}},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = c.Clientset.CoreV1().PersistentVolumes().Delete(context.Background(), pv.Name, metav1.DeleteOptions{})
	})
}

// WaitFor polls done until it reports true, failing the test with what
// and done's last error after two minutes: a bound on a stuck controller,
// not a timing check.
func (c *SimCluster) WaitFor(t testing.TB, what string, done func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ok, err := done()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not so after 2 minutes (last error: %v); the simulated cluster's logs are in %s", what, err, c.LogDir)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
