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
	start(t, "etcd", filepath.Join(dir, "etcd.log"), etcd, etcdArgs(dir, etcdURL, peerURL)...)

	tokens, saKey := filepath.Join(dir, "tokens.csv"), filepath.Join(dir, "sa.key")
	key, err := rsaKeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, tokens, adminToken+",admin,admin,system:masters\n")
	writeFile(t, saKey, key)
	port := freePort(t)
	start(t, "kube-apiserver", filepath.Join(dir, "apiserver.log"), apiserver, apiserverArgs(dir, etcdURL, port, tokens, saKey)...)

	cfg := adminConfig(port)
	if err := waitReady(cfg, filepath.Join(dir, "apiserver.log")); err != nil {
		t.Fatal(err)
	}
	k, err := newKube(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// adminToken is the static token of the servers' system:masters user.
const adminToken = "prenv-test-admin"

func etcdArgs(dir, etcdURL, peerURL string) []string {
	return []string{"--name", "default", "--data-dir", filepath.Join(dir, "etcd"),
		"--listen-client-urls", etcdURL, "--advertise-client-urls", etcdURL,
		"--listen-peer-urls", peerURL, "--initial-advertise-peer-urls", peerURL,
		"--initial-cluster", "default=" + peerURL, "--log-level", "warn"}
}

// apiserverArgs serve on 127.0.0.1:port with a self-signed certificate in
// dir/certs, the admin token in tokens, and saKey for service accounts.
// The machines' etcd (3.4.23) cannot report a watch's progress, so the
// server offers no watch streams (WatchList): a client that asks for one is
// refused at once and lists and watches instead. Offered, the stream ended
// in an error every time, and KWOK, retrying it with backoff, saw a pod's
// changes only tens of seconds late.
func apiserverArgs(dir, etcdURL string, port int, tokens, saKey string) []string {
	return []string{"--etcd-servers", etcdURL,
		"--bind-address", "127.0.0.1", "--secure-port", strconv.Itoa(port),
		"--cert-dir", filepath.Join(dir, "certs"),
		"--token-auth-file", tokens, "--authorization-mode", "RBAC",
		"--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file", saKey, "--service-account-signing-key-file", saKey,
		"--service-cluster-ip-range", "10.96.0.0/16",
		"--enable-priority-and-fairness=false", "--profiling=false", "--feature-gates=WatchList=false"}
}

func adminConfig(port int) *rest.Config {
	return &rest.Config{
		Host:            fmt.Sprintf("https://127.0.0.1:%d", port),
		BearerToken:     adminToken,
		TLSClientConfig: rest.TLSClientConfig{Insecure: true},
		QPS:             100, Burst: 200,
	}
}

func newKube(cfg *rest.Config) (*Kube, error) {
	k := &Kube{Config: cfg}
	var err error
	if k.Clientset, err = kubernetes.NewForConfig(cfg); err != nil {
		return nil, err
	}
	if k.Dynamic, err = dynamic.NewForConfig(cfg); err != nil {
		return nil, err
	}
	disco, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	k.mapper = restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disco))
	return k, nil
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

// waitReady polls /readyz until the server answers, or returns an error
// with the end of its log after 90 seconds.
func waitReady(cfg *rest.Config, logPath string) error {
	transport, err := rest.TransportFor(cfg)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: transport, Timeout: 5 * time.Second}
	deadline := time.Now().Add(90 * time.Second)
	for {
		resp, err := client.Get(cfg.Host + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("kube-apiserver not ready after 90s (last: %v); its log ends:\n%s", err, logTail(logPath))
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

func rsaKeyPEM() (string, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	_ = pem.Encode(&b, &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	return b.String(), nil
}

// Kubeconfig writes a kubeconfig file for the server, with the admin
// token, and returns its path.
func (k *Kube) Kubeconfig(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	writeFile(t, path, kubeconfig(k.Config))
	return path
}

// kubeconfig is a kubeconfig file's text for cfg's server and token.
func kubeconfig(cfg *rest.Config) string {
	return fmt.Sprintf(`apiVersion: v1
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
`, cfg.Host, cfg.BearerToken)
}
