package testenv

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

// Kube is a real kube-apiserver, backed by a real etcd, run for one test.
// It has no controllers or nodes: it validates, admits and stores objects,
// which is what server-side dry-run needs.
type Kube struct {
	Config    *rest.Config // admin access
	Clientset kubernetes.Interface
	Dynamic   dynamic.Interface
	mapper    *restmapper.DeferredDiscoveryRESTMapper
}

// KubeAPIServer starts etcd (Debian's etcd-server, which `make test-deps`
// installs) and the kube-apiserver that `make tools` builds, in temporary
// directories, and stops both when the test ends. A missing binary fails
// the test naming the make target that provides it.
func KubeAPIServer(t testing.TB) *Kube {
	t.Helper()
	RequireTool(t, "kube-apiserver and etcd", "make tools test-deps")
	apiserver := filepath.Join(RepoRoot(t), "bin", "kube-apiserver")
	if p := os.Getenv("PRENV_KUBE_APISERVER"); p != "" {
		apiserver = p
	}
	if _, err := os.Stat(apiserver); err != nil {
		t.Fatalf("kube-apiserver not found at %s: run `make tools`", apiserver)
	}
	etcd, err := exec.LookPath("etcd")
	if err != nil {
		t.Fatal("etcd not found on PATH: run `make test-deps` (Debian's etcd-server)")
	}
	dir := t.TempDir()
	etcdURL := "http://127.0.0.1:" + strconv.Itoa(freePort(t))
	peerURL := "http://127.0.0.1:" + strconv.Itoa(freePort(t))
	start(t, "etcd", filepath.Join(dir, "etcd.log"), etcd,
		"--name", "default", "--data-dir", filepath.Join(dir, "etcd"),
		"--listen-client-urls", etcdURL, "--advertise-client-urls", etcdURL,
		"--listen-peer-urls", peerURL, "--initial-advertise-peer-urls", peerURL,
		"--initial-cluster", "default="+peerURL, "--log-level", "warn")

	token := "prenv-test-admin"
	tokens := filepath.Join(dir, "tokens.csv")
	saKey := filepath.Join(dir, "sa.key")
	writeFile(t, tokens, token+",admin,admin,system:masters\n")
	writeFile(t, saKey, rsaKeyPEM(t))
	port := freePort(t)
	start(t, "kube-apiserver", filepath.Join(dir, "apiserver.log"), apiserver,
		"--etcd-servers", etcdURL,
		"--bind-address", "127.0.0.1", "--secure-port", strconv.Itoa(port),
		"--cert-dir", filepath.Join(dir, "certs"),
		"--token-auth-file", tokens, "--authorization-mode", "RBAC",
		"--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file", saKey, "--service-account-signing-key-file", saKey,
		"--service-cluster-ip-range", "10.96.0.0/16",
		"--enable-priority-and-fairness=false", "--profiling=false")

	cfg := &rest.Config{
		Host:            fmt.Sprintf("https://127.0.0.1:%d", port),
		BearerToken:     token,
		TLSClientConfig: rest.TLSClientConfig{Insecure: true},
		QPS:             100, Burst: 200,
	}
	waitReady(t, cfg, filepath.Join(dir, "apiserver.log"))
	k := &Kube{Config: cfg}
	if k.Clientset, err = kubernetes.NewForConfig(cfg); err != nil {
		t.Fatal(err)
	}
	if k.Dynamic, err = dynamic.NewForConfig(cfg); err != nil {
		t.Fatal(err)
	}
	disco, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	k.mapper = restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disco))
	return k
}

// start runs a server for the rest of the test, its output in logPath,
// and stops it (SIGTERM, then SIGKILL) when the test ends.
func start(t testing.TB, name, logPath, binary string, args ...string) {
	t.Helper()
	log, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		log.Close()
	})
}

// waitReady polls /readyz until the server answers, failing with the end
// of its log after a minute.
func waitReady(t testing.TB, cfg *rest.Config, logPath string) {
	t.Helper()
	transport, err := rest.TransportFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: transport, Timeout: 5 * time.Second}
	deadline := time.Now().Add(90 * time.Second)
	for {
		resp, err := client.Get(cfg.Host + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logPath)
			if len(log) > 4000 {
				log = log[len(log)-4000:]
			}
			t.Fatalf("kube-apiserver not ready after 90s (last: %v); its log ends:\n%s", err, log)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func writeFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

func rsaKeyPEM(t testing.TB) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	_ = pem.Encode(&b, &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	return b.String()
}

// Kubeconfig writes a kubeconfig file for the server, with the admin
// token, and returns its path.
func (k *Kube) Kubeconfig(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	writeFile(t, path, fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: %s
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    token: %s
contexts:
- name: test
  context: {cluster: test, user: admin}
current-context: test
`, k.Config.Host, k.Config.BearerToken))
	return path
}
