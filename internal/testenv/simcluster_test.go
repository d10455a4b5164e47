package testenv_test

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/prenv/prenv/internal/testenv"
)

// TestSimulatedCluster checks that the simulated cluster acts as a
// cluster's controllers and nodes do, with no container runtime.
func TestSimulatedCluster(t *testing.T) {
	t.Parallel()
	c := testenv.SimulatedCluster(t)
	ns := c.Namespace(t, "sim")

	t.Run("a Deployment becomes Available", func(t *testing.T) {
		t.Parallel()
		deploy := &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: "web"},
			Spec: appsv1.DeploymentSpec{
				Replicas: ptr(int32(2)),
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
				Template: podTemplate("web"),
			},
		}
		if _, err := c.Clientset.AppsV1().Deployments(ns).Create(t.Context(), deploy, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		c.WaitFor(t, "deployment web Available", func() (bool, error) {
			d, err := c.Clientset.AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
			return err == nil && d.Status.AvailableReplicas == 2 && condition(d.Status.Conditions, appsv1.DeploymentAvailable), err
		})
		pods, err := c.Clientset.CoreV1().Pods(ns).List(t.Context(), metav1.ListOptions{LabelSelector: "app=web"})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pods.Items {
			if p.Spec.NodeName != c.Node || p.Status.Phase != corev1.PodRunning || p.Status.PodIP == "" {
				t.Errorf("pod %s: node %q, phase %s, IP %q; want scheduled to %s, Running, with an IP", p.Name, p.Spec.NodeName, p.Status.Phase, p.Status.PodIP, c.Node)
			}
		}
	})

	t.Run("a Job completes", func(t *testing.T) {
		t.Parallel()
		tmpl := podTemplate("migrate")
		tmpl.Spec.RestartPolicy = corev1.RestartPolicyNever
		job := &batchv1.Job{
			ObjectMeta: metav1.ObjectMeta{Name: "migrate"},
			Spec:       batchv1.JobSpec{BackoffLimit: ptr(int32(0)), Template: tmpl},
		}
		if _, err := c.Clientset.BatchV1().Jobs(ns).Create(t.Context(), job, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		c.WaitFor(t, "job migrate Complete", func() (bool, error) {
			j, err := c.Clientset.BatchV1().Jobs(ns).Get(t.Context(), "migrate", metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			for _, cond := range j.Status.Conditions {
				if cond.Type == batchv1.JobFailed && cond.Status == corev1.ConditionTrue {
					t.Fatalf("job migrate failed: %s", cond.Message)
				}
			}
			return j.Status.Succeeded == 1 && jobComplete(j), nil
		})
	})

	t.Run("a StatefulSet with a volume claim rolls out", func(t *testing.T) {
		t.Parallel()
		class := "static-" + ns
		c.StaticVolume(t, class, "1Gi")
		sts := &appsv1.StatefulSet{
			ObjectMeta: metav1.ObjectMeta{Name: "db"},
			Spec: appsv1.StatefulSetSpec{
				Replicas:    ptr(int32(1)),
				ServiceName: "db",
				Selector:    &metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}},
				Template:    podTemplate("db"),
				VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{
					ObjectMeta: metav1.ObjectMeta{Name: "data"},
					Spec: corev1.PersistentVolumeClaimSpec{
						StorageClassName: &class,
						AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
						Resources:        corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
					},
				}},
			},
		}
		sts.Spec.Template.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/data"}}
		if _, err := c.Clientset.AppsV1().StatefulSets(ns).Create(t.Context(), sts, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		c.WaitFor(t, "statefulset db ready", func() (bool, error) {
			s, err := c.Clientset.AppsV1().StatefulSets(ns).Get(t.Context(), "db", metav1.GetOptions{})
			return err == nil && s.Status.ReadyReplicas == 1, err
		})
		pvc, err := c.Clientset.CoreV1().PersistentVolumeClaims(ns).Get(t.Context(), "data-db-0", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if pvc.Status.Phase != corev1.ClaimBound {
			t.Errorf("claim data-db-0 is %s, want Bound", pvc.Status.Phase)
		}
	})
}

func podTemplate(app string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": app}},
		Spec: corev1.PodSpec{
			Containers:                    []corev1.Container{{Name: app, Image: "example.invalid/" + app + ":1"}},
			TerminationGracePeriodSeconds: ptr(int64(0)),
		},
	}
}

func condition(conds []appsv1.DeploymentCondition, typ appsv1.DeploymentConditionType) bool {
	for _, c := range conds {
		if c.Type == typ {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func jobComplete(j *batchv1.Job) bool {
	for _, c := range j.Status.Conditions {
		if c.Type == batchv1.JobComplete {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func ptr[T any](v T) *T { return &v }
