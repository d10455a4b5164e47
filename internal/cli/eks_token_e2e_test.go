package cli_test

import (
	"bytes"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/prenv/prenv/internal/eks"
	"github.com/prenv/prenv/internal/testenv"
)

// TestEKSTokenAsExecPlugin: client-go, given the kubeconfig prenv builds
// for an EKS cluster (moto_server's), runs the built prenv eks-token as its
// exec plugin and sends the token as a bearer to the API server (here a
// TLS server with its own CA); the token is one EKS's authenticator
// accepts for that cluster, and STS answers it.
func TestEKSTokenAsExecPlugin(t *testing.T) {
	t.Parallel()
	prenv := testenv.Prenv(t)
	m := testenv.MotoServer(t)
	cluster := m.EKSCluster(t)

	var mu sync.Mutex
	var bearers []string
	api := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		bearers = append(bearers, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"default"}}`))
	}))
	t.Cleanup(api.Close)

	data, err := eks.Kubeconfig(t.Context(), m.Config(), cluster, prenv)
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig, err := clientcmd.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	// The API server is the local one; the plugin reaches STS on moto_server.
	kubeconfig.Clusters[cluster].Server = api.URL
	kubeconfig.Clusters[cluster].CertificateAuthorityData = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: api.Certificate().Raw})
	kubeconfig.AuthInfos[cluster].Exec.Env = awsEnv(m, "AWS_ENDPOINT_URL="+m.Endpoint)

	rest, err := clientcmd.NewDefaultClientConfig(*kubeconfig, &clientcmd.ConfigOverrides{}).ClientConfig()
	if err != nil {
		t.Fatal(err)
	}
	client, err := kubernetes.NewForConfig(rest)
	if err != nil {
		t.Fatal(err)
	}
	ns, err := client.CoreV1().Namespaces().Get(t.Context(), "default", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("client-go's request with prenv eks-token as its exec plugin: %v", err)
	}
	if ns.Name != "default" {
		t.Errorf("namespace = %q, want the API server's answer", ns.Name)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bearers) == 0 || !strings.HasPrefix(bearers[0], "Bearer ") {
		t.Fatalf("the API server saw Authorization %q, want a bearer token", bearers)
	}
	token := strings.TrimPrefix(bearers[0], "Bearer ")
	if id := m.VerifyEKSToken(t, token, cluster); id.Account == "" {
		t.Errorf("STS answered the token with no account: %+v", id)
	}
}

// awsEnv is the fake account moto accepts, as exec env entries, and extra.
func awsEnv(m testenv.Moto, extra ...string) []clientcmdapi.ExecEnvVar {
	var env []clientcmdapi.ExecEnvVar
	for k, v := range m.Env {
		env = append(env, clientcmdapi.ExecEnvVar{Name: k, Value: v})
	}
	for _, kv := range extra {
		k, v, _ := strings.Cut(kv, "=")
		env = append(env, clientcmdapi.ExecEnvVar{Name: k, Value: v})
	}
	return env
}

// TestEKSTokenErrors: prenv eks-token without what it needs exits 2 with
// one line naming the cause and the fix, and prints no credential.
func TestEKSTokenErrors(t *testing.T) {
	t.Parallel()
	prenv := testenv.Prenv(t)
	m := testenv.MotoServer(t)
	// No AWS settings at all: no files, no instance role, nothing inherited.
	bare := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "AWS_CONFIG_FILE=/nonexistent", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent", "AWS_EC2_METADATA_DISABLED=true"}
	keys := []string{"AWS_ACCESS_KEY_ID=" + m.Env["AWS_ACCESS_KEY_ID"], "AWS_SECRET_ACCESS_KEY=" + m.Env["AWS_SECRET_ACCESS_KEY"]}
	tests := []struct {
		name string
		args []string
		env  []string
		want []string
	}{
		{"no cluster", []string{"eks-token"}, keys, []string{"--cluster NAME"}},
		{"bad cluster name", []string{"eks-token", "--cluster", "my.cluster"}, keys, []string{`"my.cluster" is not an EKS cluster name`}},
		{"no region", []string{"eks-token", "--cluster", "platform"}, keys, []string{"no AWS region", "--region", "AWS_REGION"}},
		{"no credentials", []string{"eks-token", "--cluster", "platform", "--region", "eu-west-1"}, nil, []string{"no AWS credentials", "configure-aws-credentials", "AWS_PROFILE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.CommandContext(t.Context(), prenv, tt.args...)
			cmd.Env = append(append([]string{}, bare...), tt.env...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != 2 {
				t.Fatalf("exit %d (%v), want 2; stderr:\n%s", code, err, &stderr)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", &stdout)
			}
			msg := strings.TrimSuffix(stderr.String(), "\n")
			if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "prenv: ") {
				t.Errorf("stderr = %q, want one line", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("stderr %q does not say %q", msg, w)
				}
			}
		})
	}
}
