package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks/aws"
)

// TestBinaryAWSOnSimulatedCluster: prenv up and destroy run the aws
// program that prenv render shows, through the real Kubernetes provider,
// on a simulated cluster (internal/testenv's SimCluster), for the two
// sources that need no AWS resource: ebs-snapshot and shared-instance. The
// aws and random plugins are stand-ins (internal/testenv/standins): the
// Route53 record is recorded, not made.
func TestBinaryAWSOnSimulatedCluster(t *testing.T) {
	t.Parallel()
	c := testenv.SimulatedCluster(t)
	s := newSandbox(t)
	blueprint := s.onMoto()
	s.onSimulatedCluster(c)
	if err := c.Apply(t.Context(), map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "istio-system"}}, false); err != nil {
		t.Fatal(err)
	}
	// The gp3 volumes an EBS CSI driver would restore: one per golden.
	c.StaticVolume(t, "gp3", "20Gi")
	c.StaticVolume(t, "gp3", "20Gi")

	for _, tc := range []struct {
		source, pr string
		fields     string // what the source adds to aws:
	}{
		{source: "ebs-snapshot", pr: "7"},
		{source: aws.SharedInstance, pr: "8", fields: "  shared-instance: shared.db.internal\n"},
	} {
		t.Run(tc.source, func(t *testing.T) {
			bp := strings.Replace(blueprint, "source: rds-snapshot", "source: "+tc.source, 1)
			bp = regexp.MustCompile(`(?m)^  golden: .*$`).ReplaceAllString(bp, "  golden: "+s.baseline.EBSSnapshots[0])
			bp = strings.Replace(bp, "  context: preview\n", "  kubeconfig: "+c.Kubeconfig(t)+"\n"+tc.fields, 1)
			path := filepath.Join(s.dir, tc.source+".yaml")
			writeBlueprint(t, path, bp)
			e := simEnv{t: t, s: s, c: c, blueprint: path, pr: tc.pr}

			rendered := e.render()
			e.run("up")
			ns := e.namespace(rendered)
			e.assertLive(rendered)
			e.assertJobFirst(ns)

			out, stderr := e.run("up")
			if !strings.Contains(out, "(no changes)") {
				t.Errorf("a second up changed something:\n%s\n%s", out, stderr)
			}
			if tc.source == "ebs-snapshot" {
				rotated := strings.Replace(bp, "golden: "+s.baseline.EBSSnapshots[0], "golden: "+s.baseline.EBSSnapshots[1], 1)
				rotated = strings.Replace(rotated, "allowed-snapshots: [", "allowed-snapshots: ["+s.baseline.EBSSnapshots[1]+", ", 1)
				writeBlueprint(t, path, rotated)
				e.run("up")
				e.assertLive(e.render())
				e.assertOneContent()
			}

			e.run("destroy")
			e.assertGone(ns)
		})
	}
}

// onSimulatedCluster gives the sandbox a PULUMI_HOME holding the real
// Kubernetes provider `make tools` built and the stand-ins for the aws and
// random plugins, each at the version stacks/aws pins, and a commit SHA.
func (s *sandbox) onSimulatedCluster(c *testenv.SimCluster) {
	s.t.Helper()
	home := s.t.TempDir()
	files := testenv.StandInPlugins(s.t)
	files["kubernetes"] = testenv.KubernetesProvider(s.t)
	for _, p := range aws.Plugins {
		cmd := exec.Command(testenv.Pulumi(s.t), "plugin", "install", "resource", p.Name, p.Version, "--file", files[p.Name])
		cmd.Env = append(hostEnv(), "PULUMI_HOME="+home)
		if out, err := cmd.CombinedOutput(); err != nil {
			s.t.Fatalf("install plugin %s from %s: %v\n%s", p, files[p.Name], err, out)
		}
	}
	s.extraEnv = append(s.extraEnv, "PULUMI_HOME="+home, "GITHUB_SHA=0123abcd", "PRENV_SHARED_INSTANCE_PASSWORD=e2e-shared")
}

func writeBlueprint(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// simEnv is one PR environment of the test's blueprint.
type simEnv struct {
	t         *testing.T
	s         *sandbox
	c         *testenv.SimCluster
	blueprint string
	pr        string
}

// run runs prenv command for the environment and returns its standard
// output and error.
func (e simEnv) run(command string) (string, string) {
	e.t.Helper()
	args := []string{command, "--blueprint", e.blueprint, "--pr", e.pr}
	if command != "render" {
		args = append(args, "--offline")
	}
	start := time.Now()
	out, stderr, code := e.s.run(args...)
	e.t.Logf("prenv %s --pr %s: exit %d after %.1fs", command, e.pr, code, time.Since(start).Seconds())
	if code != 0 {
		e.t.Fatalf("prenv %s: exit %d\n%s\n%s", strings.Join(args, " "), code, out, stderr)
	}
	return out, stderr
}

// render returns the Kubernetes objects prenv render shows.
func (e simEnv) render() []map[string]any {
	e.t.Helper()
	out, _ := e.run("render")
	objs, err := testenv.DecodeManifests([]byte(out))
	if err != nil {
		e.t.Fatal(err)
	}
	return objs
}

// namespace is the rendered environment's namespace.
func (e simEnv) namespace(objs []map[string]any) string {
	e.t.Helper()
	for _, obj := range objs {
		if obj["kind"] == "Namespace" {
			return obj["metadata"].(map[string]any)["name"].(string)
		}
	}
	e.t.Fatal("prenv render shows no Namespace")
	return ""
}

// assertLive checks that every object prenv render shows is live, with
// the rendered spec (and a ConfigMap's data): each rendered field has its
// rendered value, beside the fields the API server defaults. Secrets hold
// passwords that differ between a rendering and a run, and are checked for
// their keys alone.
func (e simEnv) assertLive(objs []map[string]any) {
	e.t.Helper()
	kinds := map[string]bool{}
	for _, obj := range objs {
		kind, _ := obj["kind"].(string)
		kinds[kind] = true
		live, err := e.c.Get(e.t.Context(), obj)
		if err != nil {
			e.t.Errorf("rendered %s is not live: %v", kind, err)
			continue
		}
		for _, field := range []string{"spec", "data"} {
			want, ok := obj[field]
			if !ok {
				continue
			}
			if path, ok := subset(want, live[field]); !ok {
				e.t.Errorf("live %s %v: %s.%s differs from the rendering: rendered %v, live %v", kind, obj["metadata"].(map[string]any)["name"], field, path, want, live[field])
			}
		}
	}
	for _, kind := range []string{"Namespace", "NetworkPolicy", "Job", "Deployment", "Service", "VirtualService", "ScaledObject"} {
		if !kinds[kind] {
			e.t.Errorf("prenv render shows no %s", kind)
		}
	}
}

// subset reports whether every field of want has its value in got, and
// where it does not.
func subset(want, got any) (string, bool) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return "", false
		}
		for k, v := range w {
			if path, ok := subset(v, g[k]); !ok {
				return k + "." + path, false
			}
		}
		return "", true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return "", false
		}
		for i := range w {
			if path, ok := subset(w[i], g[i]); !ok {
				return "[" + strings.TrimSuffix(path, ".") + "]", false
			}
		}
		return "", true
	case float64, int64:
		return "", numeric(want) == numeric(got)
	default:
		return "", reflect.DeepEqual(want, got)
	}
}

func numeric(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int64:
		return float64(n)
	}
	return -1
}

// assertJobFirst checks that the anonymisation Job had completed before
// any Deployment was created.
func (e simEnv) assertJobFirst(ns string) {
	e.t.Helper()
	job, err := e.c.Clientset.BatchV1().Jobs(ns).Get(e.t.Context(), aws.AnonymizeJob, metav1.GetOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	if job.Status.CompletionTime == nil {
		e.t.Fatalf("job %s has not completed: %+v", job.Name, job.Status)
	}
	deploys, err := e.c.Clientset.AppsV1().Deployments(ns).List(e.t.Context(), metav1.ListOptions{})
	if err != nil || len(deploys.Items) == 0 {
		e.t.Fatalf("no Deployments in %s (%v)", ns, err)
	}
	for _, d := range deploys.Items {
		if d.CreationTimestamp.Before(job.Status.CompletionTime) {
			e.t.Errorf("deployment %s created at %s, before job %s completed at %s", d.Name, d.CreationTimestamp, job.Name, job.Status.CompletionTime)
		}
	}
}

// assertOneContent checks that the environment has one
// VolumeSnapshotContent, the rotated golden's: the old one went once the new
// one, of another name, was made.
func (e simEnv) assertOneContent() {
	e.t.Helper()
	contents, err := e.c.List(e.t.Context(), "snapshot.storage.k8s.io/v1", "VolumeSnapshotContent", aws.LabelPR+"="+e.pr)
	if err != nil {
		e.t.Fatal(err)
	}
	var handles []any
	for _, c := range contents {
		handles = append(handles, c["spec"].(map[string]any)["source"].(map[string]any)["snapshotHandle"])
	}
	if rotated := e.s.baseline.EBSSnapshots[1]; len(handles) != 1 || handles[0] != rotated {
		e.t.Errorf("after the golden's rotation the environment's VolumeSnapshotContents hold %v, want [%s]", handles, rotated)
	}
}

// assertGone checks that destroy left nothing of the environment: its
// namespace is gone, and so is every cluster-wide object with its labels
// (the VolumeSnapshotContent; its EBS snapshot, the golden, is retained).
func (e simEnv) assertGone(ns string) {
	e.t.Helper()
	e.c.WaitFor(e.t, "namespace "+ns+" gone", func() (bool, error) {
		_, err := e.c.Clientset.CoreV1().Namespaces().Get(e.t.Context(), ns, metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
	contents, err := e.c.List(e.t.Context(), "snapshot.storage.k8s.io/v1", "VolumeSnapshotContent", aws.LabelPR+"="+e.pr)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, content := range contents {
		e.t.Errorf("destroy left VolumeSnapshotContent %v", content["metadata"].(map[string]any)["name"])
	}
}
