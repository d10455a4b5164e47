package cli_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/aws"
)

// TestBinaryAWSOnSimulatedCluster: prenv up and destroy run the aws
// program that prenv render shows, through the real Kubernetes provider,
// on a simulated cluster (internal/testenv's SimCluster), for the two
// sources that need no AWS resource: ebs-snapshot, in isolated mode, and
// shared-instance, in sandbox mode with its routes stack. The aws and
// random plugins are stand-ins (internal/testenv/standins): the Route53
// record is recorded, not made.
//
// Each check is first seen to fail where it must: the first up reports
// changes, and before destroy the environment is still there.
func TestBinaryAWSOnSimulatedCluster(t *testing.T) {
	t.Parallel()
	c := testenv.SimulatedCluster(t)
	s := newSandbox(t)
	blueprint := s.onMoto()
	s.onSimulatedCluster(c)
	for _, ns := range []string{"istio-system", stacks.BaselineName} { // the mesh's, and the baseline's, which the routes stack writes to
		if err := c.Apply(t.Context(), map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}, false); err != nil {
			t.Fatal(err)
		}
	}
	// The gp3 volumes an EBS CSI driver would restore: one per golden.
	c.StaticVolume(t, "gp3", "20Gi")
	c.StaticVolume(t, "gp3", "20Gi")

	for _, tc := range []struct {
		source, pr string
		mode       stacks.RoutingMode
		fields     string // what the source adds to aws:
	}{
		{source: "ebs-snapshot", pr: "7", mode: stacks.RoutingIsolated},
		{source: aws.SharedInstance, pr: "8", mode: stacks.RoutingSandbox, fields: "  shared-instance: shared.db.internal\n"},
	} {
		t.Run(tc.source, func(t *testing.T) {
			bp := strings.Replace(blueprint, "source: rds-snapshot", "source: "+tc.source, 1)
			bp = strings.Replace(bp, "mode: isolated", "mode: "+string(tc.mode), 1)
			bp = regexp.MustCompile(`(?m)^  golden: .*$`).ReplaceAllString(bp, "  golden: "+s.baseline.EBSSnapshots[0])
			bp = strings.Replace(bp, "  context: preview\n", "  kubeconfig: "+c.Kubeconfig(t)+"\n"+tc.fields, 1)
			e := simEnv{t: t, s: s, c: c, blueprint: filepath.Join(s.dir, tc.source+".yaml"), pr: tc.pr}
			var routes []map[string]any // the routes stack's objects, in sandbox mode
			if tc.mode == stacks.RoutingSandbox {
				e.blueprint, e.base = changeOfWeb(t, bp)
				routes = e.renderRoutes(map[string][]string{"pr-" + tc.pr: {"web"}})
			} else {
				writeBlueprint(t, e.blueprint, bp)
			}

			rendered := e.render()
			if out, stderr := e.run("up"); strings.Contains(out, "(no changes)") {
				t.Fatalf("the first up reports no changes, so the rerun's check below could not fail:\n%s\n%s", out, stderr)
			}
			ns := e.namespace(rendered)
			e.assertLive(rendered)
			e.assertJobFirst(ns)
			if routes != nil {
				e.assertObjectsLive(routes)
			}

			out, stderr := e.run("up")
			if !strings.Contains(out, "(no changes)") {
				t.Errorf("a second up changed something:\n%s\n%s", out, stderr)
			}
			if tc.source == "ebs-snapshot" {
				// Another actor (the owner label) and another salt change the
				// setup Secrets up deleted: they are made again, and deleted.
				saved := s.extraEnv
				s.extraEnv = append(slices.Clone(saved), "GITHUB_ACTOR=another-dev", "PRENV_ANONYMIZE_SALT=another-salt")
				e.run("up")
				e.assertLive(e.render())
				s.extraEnv = saved
			}
			if tc.source == "ebs-snapshot" {
				job := e.jobUID(ns)
				rotated := strings.Replace(bp, "golden: "+s.baseline.EBSSnapshots[0], "golden: "+s.baseline.EBSSnapshots[1], 1)
				rotated = strings.Replace(rotated, "allowed-snapshots: [", "allowed-snapshots: ["+s.baseline.EBSSnapshots[1]+", ", 1)
				writeBlueprint(t, e.blueprint, rotated)
				if out, stderr := e.run("up"); strings.Contains(out, "(no changes)") {
					t.Errorf("rotating the golden changed nothing:\n%s\n%s", out, stderr)
				}
				if e.jobUID(ns) == job { // the new volume needs its role, migrations and anonymisation
					t.Errorf("rotating the golden did not run the Job again on the new database")
				}
				e.assertLive(e.render())
				e.assertOneContent()
			}

			if left := e.leftovers(ns, routes); len(left) == 0 {
				t.Fatalf("before destroy the teardown check finds nothing of the live environment, so it could not fail")
			}
			e.run("destroy")
			e.assertGone(ns, routes)

			if tc.mode == stacks.RoutingSandbox {
				// Up again, then closed: the reap destroys it and the routes follow.
				e.run("up")
				e.assertObjectsLive(routes)
				args := []string{"reap", "--blueprint", e.blueprint, "--open-prs", "1", "--force"}
				if out, stderr, code := s.run(args...); code != 0 || !strings.Contains(stderr, "updated the sandbox routes") {
					t.Fatalf("prenv %s: exit %d, want 0 and the routes followed\n%s\n%s", strings.Join(args, " "), code, out, stderr)
				}
				e.assertGone(ns, routes)
			}
		})
	}
}

// TestBinaryAWSRetriesAFailedJob: on the simulated cluster the Jobs of
// PR 99's namespace fail. up then fails, starts no service and keeps the
// setup Secrets; a rerun of the same commit replaces the failed Job
// (pulumi.com/replaceUnready) instead of waiting on it.
func TestBinaryAWSRetriesAFailedJob(t *testing.T) {
	t.Parallel()
	c := testenv.SimulatedCluster(t)
	s := newSandbox(t)
	blueprint := s.onMoto()
	s.onSimulatedCluster(c)
	bp := strings.Replace(blueprint, "source: rds-snapshot", "source: "+aws.SharedInstance, 1)
	bp = strings.Replace(bp, "  context: preview\n", "  kubeconfig: "+c.Kubeconfig(t)+"\n  shared-instance: shared.db.internal\n", 1)
	pr, _ := strings.CutPrefix(testenv.FailingJobsNamespace, "pr-")
	e := simEnv{t: t, s: s, c: c, blueprint: filepath.Join(s.dir, "failing.yaml"), pr: pr}
	writeBlueprint(t, e.blueprint, bp)
	ns := e.namespace(e.render())

	failedUp := func() string {
		t.Helper()
		args := []string{"up", "--blueprint", e.blueprint, "--pr", pr, "--offline"}
		if out, stderr, code := s.run(args...); code == 0 || !strings.Contains(stderr, aws.AnonymizeJob) {
			t.Fatalf("prenv up with a failing Job: exit %d, want non-zero naming the Job\n%s\n%s", code, out, stderr)
		}
		deploys, err := c.Clientset.AppsV1().Deployments(ns).List(t.Context(), metav1.ListOptions{})
		if err != nil || len(deploys.Items) > 0 {
			t.Errorf("after the failed Job %d Deployments are in %s (%v), want none", len(deploys.Items), ns, err)
		}
		setup, err := c.Clientset.CoreV1().Secrets(ns).List(t.Context(), metav1.ListOptions{LabelSelector: aws.LabelSetup + "=true"})
		if err != nil || len(setup.Items) == 0 {
			t.Errorf("after the failed up the setup Secrets are gone (%v), but a retry needs them", err)
		}
		return e.jobUID(ns)
	}
	first := failedUp()
	if again := failedUp(); again == first {
		t.Errorf("the rerun kept the failed Job %s instead of replacing it", first)
	}
	e.run("destroy")
	e.assertGone(ns, nil)
}

// changeOfWeb writes the blueprint bp into a git checkout of its own whose
// HEAD changes the example's web service alone, and returns the
// blueprint's path and the base commit: a sandbox PR that runs web itself
// and takes the other services from the baseline.
func changeOfWeb(t *testing.T, bp string) (path, base string) {
	t.Helper()
	dir := t.TempDir()
	path = filepath.Join(dir, "prenv.yaml")
	writeBlueprint(t, path, bp)
	git(t, dir, "init", "-q", "-b", "main")
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-q", "-m", "base")
	base = git(t, dir, "rev-parse", "HEAD")
	web := filepath.Join(dir, "examples", "app", "web")
	if err := os.MkdirAll(web, 0o755); err != nil {
		t.Fatal(err)
	}
	writeBlueprint(t, filepath.Join(web, "index.html"), "<p>the PR's page</p>\n")
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-q", "-m", "web: the PR's page")
	return path, base
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
	base      string // the PR's base commit, in sandbox mode
}

// run runs prenv command for the environment and returns its standard
// output and error.
func (e simEnv) run(command string) (string, string) {
	e.t.Helper()
	args := []string{command, "--blueprint", e.blueprint, "--pr", e.pr}
	if command != "render" {
		args = append(args, "--offline")
	}
	if e.base != "" {
		args = append(args, "--base", e.base)
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

// assertLive checks that every object prenv render shows is live with
// its rendered fields, but for the database's setup Secrets, which up
// deleted once the Job had read them; and that the rendering has every
// kind an environment needs.
func (e simEnv) assertLive(objs []map[string]any) {
	e.t.Helper()
	var live, setup []map[string]any
	for _, obj := range objs {
		if labels, _ := obj["metadata"].(map[string]any)["labels"].(map[string]any); labels[aws.LabelSetup] == "true" {
			setup = append(setup, obj)
		} else {
			live = append(live, obj)
		}
	}
	if len(setup) == 0 {
		e.t.Errorf("prenv render shows no Secret labelled %s=true", aws.LabelSetup)
	}
	for _, obj := range setup {
		if _, err := e.c.Get(e.t.Context(), obj); !apierrors.IsNotFound(err) {
			e.t.Errorf("setup Secret %v is still there after up (%v)", obj["metadata"].(map[string]any)["name"], err)
		}
	}
	kinds := e.assertObjectsLive(live)
	for _, kind := range []string{"Namespace", "NetworkPolicy", "Job", "Deployment", "Service", "VirtualService", "ScaledObject", "Secret"} {
		if !kinds[kind] {
			e.t.Errorf("prenv render shows no %s", kind)
		}
	}
}

// jobUID is the UID of the environment's anonymisation Job: a new one
// means the Job ran again.
func (e simEnv) jobUID(ns string) string {
	e.t.Helper()
	job, err := e.c.Clientset.BatchV1().Jobs(ns).Get(e.t.Context(), aws.AnonymizeJob, metav1.GetOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	return string(job.UID)
}

// assertObjectsLive checks that every object of objs is live, with the
// rendered spec (and a ConfigMap's data): each rendered field has its
// rendered value, beside the fields the API server defaults. Secrets hold
// passwords that differ between a rendering and a run, and are checked for
// their keys alone. It returns the kinds it saw.
func (e simEnv) assertObjectsLive(objs []map[string]any) map[string]bool {
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
	return kinds
}

// renderRoutes returns the Kubernetes objects of the routes stack that
// live sandboxes (each pr-<n> with the services it runs) make: for each
// routed service, a VirtualService in the baseline's namespace.
func (e simEnv) renderRoutes(live map[string][]string) []map[string]any {
	e.t.Helper()
	bp, err := stacks.Load(e.blueprint)
	if err != nil {
		e.t.Fatal(err)
	}
	r, err := aws.RenderRoutes(bp, live)
	if err != nil {
		e.t.Fatal(err)
	}
	objs := r.Manifests()
	if len(objs) == 0 {
		e.t.Fatalf("the routes stack renders no object for %v", live)
	}
	return objs
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

// assertGone checks that destroy left nothing of the environment (see
// leftovers), waiting for the namespace's deletion to finish.
func (e simEnv) assertGone(ns string, routes []map[string]any) {
	e.t.Helper()
	e.c.WaitFor(e.t, "namespace "+ns+" gone", func() (bool, error) {
		_, err := e.c.Clientset.CoreV1().Namespaces().Get(e.t.Context(), ns, metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
	if left := e.leftovers(ns, routes); len(left) > 0 {
		e.t.Errorf("destroy left %s", strings.Join(left, ", "))
	}
}

// leftovers lists what is live of the environment: its namespace, every
// cluster-wide object with its labels (the VolumeSnapshotContent; its EBS
// snapshot, the golden, is retained), and the routes stack's objects that
// routed to it.
func (e simEnv) leftovers(ns string, routes []map[string]any) []string {
	e.t.Helper()
	var left []string
	if _, err := e.c.Clientset.CoreV1().Namespaces().Get(e.t.Context(), ns, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		left = append(left, "namespace "+ns)
	}
	contents, err := e.c.List(e.t.Context(), "snapshot.storage.k8s.io/v1", "VolumeSnapshotContent", aws.LabelPR+"="+e.pr)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, content := range contents {
		left = append(left, fmt.Sprintf("VolumeSnapshotContent %v", content["metadata"].(map[string]any)["name"]))
	}
	for _, obj := range routes {
		if _, err := e.c.Get(e.t.Context(), obj); !apierrors.IsNotFound(err) {
			left = append(left, fmt.Sprintf("%v %v of the routes stack", obj["kind"], obj["metadata"].(map[string]any)["name"]))
		}
	}
	return left
}
