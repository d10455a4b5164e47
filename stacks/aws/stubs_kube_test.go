package aws_test

import (
	"bytes"
	"net"
	"net/http"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/prenv/prenv/internal/stub"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/aws"
)

// TestStubOnAWSAgainstAPIServer applies the stub's objects to a real
// kube-apiserver (server-side dry-run, strict field validation), then asks
// a stub behind a Service of the cluster for its unmatched requests
// through the API server's service proxy, as prenv outputs does.
func TestStubOnAWSAgainstAPIServer(t *testing.T) {
	t.Parallel()
	kube := testenv.KubeAPIServer(t)
	kube.ApplyCRDs(t, testenv.CRDs(t))
	bp, env, target, err := prepareStubs(t, "isolated", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := aws.Render(bp, env, target.(aws.Target))
	if err != nil {
		t.Fatal(err)
	}
	var yaml bytes.Buffer
	if err := r.WriteManifests(&yaml); err != nil {
		t.Fatal(err)
	}
	objs, err := testenv.DecodeManifests(yaml.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, obj := range objs {
		if obj["kind"] == "Namespace" {
			if err := kube.Apply(t.Context(), obj, false); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, obj := range objs {
		if err := kube.Apply(t.Context(), obj, true); err != nil {
			t.Errorf("the API server refused %v", err)
		}
	}

	// The stub's pod, played by a stub server on this host's address, behind
	// the payments Service as its endpoint. (The API server refuses loopback
	// endpoints, and no kubelet runs pods here.)
	ip := hostIP(t)
	set, err := stub.Load(filepath.Join("testdata", "stubs", "stubs", "payments"))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: stub.NewServer(set, stub.ServerOptions{})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	port := ln.Addr().(*net.TCPAddr).Port
	for _, path := range []string{"/payments/refunds", "/payments/status/old"} {
		resp, err := http.Get("http://" + ln.Addr().String() + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	ns := env.Namespace
	services := kube.Clientset.CoreV1().Services(ns)
	if _, err := services.Create(t.Context(), &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "payments"},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 8081, TargetPort: intstr.FromInt32(int32(port))}}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The service proxy sends only to an endpoint whose pod has its IP.
	pod := stubPod(t, kube, ns, ip)
	if _, err := kube.Clientset.CoreV1().Endpoints(ns).Create(t.Context(), &corev1.Endpoints{ //nolint:staticcheck // the service proxy reads Endpoints
		ObjectMeta: metav1.ObjectMeta{Name: "payments"},
		Subsets: []corev1.EndpointSubset{{ //nolint:staticcheck // as above
			Addresses: []corev1.EndpointAddress{{IP: ip, TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: ns, Name: pod}}},
			Ports:     []corev1.EndpointPort{{Name: "http", Port: int32(port)}},
		}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// fraud is a stub this environment borrows: it has no Service, and is
	// left out rather than failing the count.
	bp.Services = append(bp.Services, stacks.Service{Name: "fraud", Stub: stacks.Stub{Mappings: "stubs/payments"}})
	bp.AWS.Kubeconfig = kube.Kubeconfig(t)
	counts, err := target.(aws.Target).UnmatchedStubRequests(t.Context(), bp, env)
	if err != nil || len(counts) != 1 || counts["payments"] != 2 {
		t.Errorf("unmatched stub requests = %v, %v; want payments: 2", counts, err)
	}
}

// stubPod records a pod of the payments stub with IP ip, as a kubelet
// would report it, and returns its name.
func stubPod(t *testing.T, kube *testenv.Kube, ns, ip string) string {
	t.Helper()
	ctx := t.Context()
	// No controller manager runs here to make the namespace's default
	// service account, which the pod admission looks up.
	if _, err := kube.Clientset.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	pods := kube.Clientset.CoreV1().Pods(ns)
	pod, err := pods.Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "payments-0", Labels: map[string]string{"app": "payments"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "payments", Image: "ghcr.io/prenv/prenv:v1.2.3"}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pod.Status.PodIP, pod.Status.PodIPs = ip, []corev1.PodIP{{IP: ip}}
	if _, err := pods.UpdateStatus(ctx, pod, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	return pod.Name
}

// hostIP is an IPv4 address of this host other than loopback.
func hostIP(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			return n.IP.String()
		}
	}
	t.Skip("this host has no IPv4 address but loopback, which the API server refuses as an endpoint")
	return ""
}
