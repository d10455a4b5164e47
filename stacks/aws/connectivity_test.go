package aws_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/np-guard/netpol-analyzer/pkg/netpol/eval"
	corev1 "k8s.io/api/core/v1"
	netv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/aws"
)

// world is a cluster as a NetworkPolicy engine sees it: the rendered
// namespaces and policies, a pod per rendered workload, and the pods prenv
// does not create (the gateway, istiod, DNS, the platform's shared
// service, an unrelated namespace).
type world struct {
	objects []runtime.Object
	nextIP  int
}

// pod adds a running pod ns/name with labels.
func (w *world) pod(ns, name string, labels map[string]string) {
	w.nextIP++
	w.objects = append(w.objects, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels},
		Status: corev1.PodStatus{HostIP: "192.168.0.1", Phase: corev1.PodRunning,
			PodIPs: []corev1.PodIP{{IP: fmt.Sprintf("10.0.%d.%d", w.nextIP/200, w.nextIP%200+10)}}},
	})
}

func (w *world) namespace(name string, labels map[string]string) {
	lbl := map[string]string{"kubernetes.io/metadata.name": name}
	for k, v := range labels {
		lbl[k] = v
	}
	w.objects = append(w.objects, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: lbl}})
}

// add puts a rendering's namespace, policies and workloads' pods (named
// after their workload) into the world.
func (w *world) add(t *testing.T, r *aws.Rendering) {
	t.Helper()
	for _, m := range r.Manifests() {
		meta := m["metadata"].(map[string]any)
		switch m["kind"] {
		case "Namespace":
			var ns corev1.Namespace
			decodeManifest(t, m, &ns)
			w.namespace(ns.Name, ns.Labels)
		case "NetworkPolicy":
			var p netv1.NetworkPolicy
			decodeManifest(t, m, &p)
			w.objects = append(w.objects, &p)
		case "Deployment", "StatefulSet", "Job":
			tmpl := m["spec"].(map[string]any)["template"].(map[string]any)["metadata"].(map[string]any)["labels"].(map[string]any)
			labels := map[string]string{}
			for k, v := range tmpl {
				labels[k] = v.(string)
			}
			w.pod(meta["namespace"].(string), meta["name"].(string), labels)
		}
	}
}

func decodeManifest(t *testing.T, manifest map[string]any, into any) {
	t.Helper()
	data, err := json.Marshal(manifest)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, into); err != nil {
		t.Fatalf("%v %v does not decode: %v", manifest["kind"], manifest["metadata"], err)
	}
}

func (w *world) engine(t *testing.T) *eval.PolicyEngine {
	t.Helper()
	pe := eval.NewPolicyEngine()
	for _, o := range w.objects {
		if err := pe.InsertObject(o); err != nil {
			t.Fatalf("the policy engine refused %T: %v", o, err)
		}
	}
	return pe
}

// connectivityWorld renders the baseline, pr-7 (which changes web) and
// pr-8 (which changes orders) in mode, around the cluster's own pods.
func connectivityWorld(t *testing.T, mode string) *eval.PolicyEngine {
	t.Helper()
	bp := example(t, "rds-snapshot", mode)
	w := &world{}
	baseline, err := stacks.NewEnv(bp, stacks.EnvOptions{Name: stacks.BaselineName, Repo: "acme/shop", SHA: "beef"})
	if err != nil {
		t.Fatal(err)
	}
	changedOrders := changedWeb
	changedOrders.Changed = []string{"examples/app/orders/orders.go"}
	for _, c := range []struct {
		env    stacks.Env
		target aws.Target
	}{{baseline, changedWeb}, {prEnv(t, bp, 7), changedWeb}, {prEnv(t, bp, 8), changedOrders}} {
		r, err := aws.Render(bp, c.env, c.target)
		if err != nil {
			t.Fatal(err)
		}
		w.add(t, r)
	}
	w.pod("baseline", "payments", map[string]string{"app": "payments"}) // shared, run by the platform
	w.namespace("istio-system", nil)
	w.pod("istio-system", "gateway", map[string]string{"app": "istio-ingressgateway", "istio": "preview"})
	w.pod("istio-system", "istiod", map[string]string{"app": "istiod"})
	w.namespace("kube-system", nil)
	w.pod("kube-system", "coredns", map[string]string{"k8s-app": "kube-dns"})
	w.namespace("elsewhere", nil)
	w.pod("elsewhere", "other", map[string]string{"app": "other"})
	return w.engine(t)
}

// TestNetworkPolicyConnectivity computes, with a NetworkPolicy engine
// (np-guard's netpol-analyzer), who may reach whom among the rendered
// environments, in both routing modes: the traffic the design needs is
// allowed, and PRs reach neither each other nor anything else.
func TestNetworkPolicyConnectivity(t *testing.T) {
	t.Parallel()
	type conn struct {
		src, dst, proto, port string
		want                  bool
		modes                 []string // nil: both
	}
	sandbox := []string{"sandbox"}
	isolated := []string{"isolated"}
	table := []conn{
		// allowed
		{"istio-system/gateway", "pr-7/web", "TCP", "8080", true, nil},
		{"istio-system/gateway", "baseline/web", "TCP", "8080", true, nil},
		{"pr-7/web", "baseline/payments", "TCP", "8080", true, nil}, // shared service
		{"pr-7/web", "baseline/orders", "TCP", "8080", true, sandbox},
		{"pr-8/orders", "baseline/users", "TCP", "8080", true, sandbox},
		{"baseline/web", "pr-8/orders", "TCP", "8080", true, sandbox}, // the routes stack's requests
		{"baseline/orders", "pr-7/web", "TCP", "8080", true, sandbox},
		{"pr-7/web", "pr-7/orders", "TCP", "8080", true, isolated},
		{"pr-7/web", "kube-system/coredns", "UDP", "53", true, nil},
		{"pr-7/web", "kube-system/coredns", "TCP", "53", true, nil},
		{"pr-7/web", "istio-system/istiod", "TCP", "15012", true, nil},
		{"pr-7/web", "10.1.0.5", "TCP", "5432", true, nil},
		{"pr-7/anonymize", "10.1.1.9", "TCP", "5432", true, nil},
		{"baseline/web", "10.1.0.5", "TCP", "5432", true, nil},
		// denied: PR to PR
		{"pr-7/web", "pr-8/orders", "TCP", "8080", false, nil},
		{"pr-8/orders", "pr-7/web", "TCP", "8080", false, nil},
		{"pr-7/anonymize", "pr-8/orders", "TCP", "8080", false, nil},
		// denied: PR to anything else
		{"pr-7/web", "baseline/web", "TCP", "8080", false, nil}, // pr-7 runs its own web
		{"pr-7/web", "baseline/orders", "TCP", "8080", false, isolated},
		{"pr-7/web", "baseline/payments", "TCP", "5432", false, nil},
		{"pr-7/web", "istio-system/gateway", "TCP", "8080", false, nil},
		{"pr-7/web", "istio-system/istiod", "TCP", "8080", false, nil},
		{"pr-7/web", "kube-system/coredns", "TCP", "443", false, nil},
		{"pr-7/web", "10.1.0.5", "TCP", "22", false, nil},
		{"pr-7/web", "10.2.0.5", "TCP", "5432", false, nil},
		{"pr-7/web", "10.0.0.10", "TCP", "5432", false, nil}, // the pods' CIDR is not the database's
		{"pr-7/web", "8.8.8.8", "TCP", "443", false, nil},
		{"pr-7/web", "elsewhere/other", "TCP", "8080", false, nil},
		// denied: into a PR from outside the design
		{"elsewhere/other", "pr-7/web", "TCP", "8080", false, nil},
		{"baseline/web", "pr-7/web", "TCP", "8080", false, isolated},
		{"baseline/payments", "pr-8/orders", "TCP", "9999", false, nil},
	}
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			pe := connectivityWorld(t, mode)
			for _, c := range table {
				if c.modes != nil && c.modes[0] != mode {
					continue
				}
				got, err := pe.CheckIfAllowed(c.src, c.dst, c.proto, c.port)
				if err != nil {
					t.Errorf("%s -> %s %s/%s: %v", c.src, c.dst, c.proto, c.port, err)
					continue
				}
				if got != c.want {
					t.Errorf("%s -> %s %s/%s allowed = %v, want %v", c.src, c.dst, c.proto, c.port, got, c.want)
				}
			}
		})
	}
}
