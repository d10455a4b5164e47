package testenv

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// SimCluster is a simulated Kubernetes cluster with no container runtime:
// a real kube-apiserver and etcd, the real kube-controller-manager and
// kube-scheduler, and KWOK playing one node and its pods' lifecycle. Pods
// are scheduled to the node and become Running and Ready; a Job's pods
// Succeed; so Deployments become Available, Jobs complete and StatefulSets
// roll out. The Istio, KEDA and VolumeSnapshot CRDs are applied. No
// container runs: an Istio, KEDA or CSI controller, and any traffic, are
// absent, so their objects are stored and never acted on.
type SimCluster struct {
	*Kube
	Node    string // the KWOK node's name
	LogDir  string // the servers' logs: etcd, apiserver, controller-manager, scheduler, kwok
	Version string // the Kubernetes version, v1.32.4
}

// simNodeAnnotation marks the nodes KWOK manages.
const simNodeAnnotation = "kwok.x-k8s.io/node"

// simCluster is the test binary's one SimCluster, started by the first
// test that needs it and killed when the test binary exits.
var simCluster struct {
	once    sync.Once
	cluster *SimCluster
	err     error
}

// SimulatedCluster starts, once per test binary, a SimCluster from the
// servers `make tools` builds into ./bin (or the directory PRENV_TOOLS_BIN)
// and etcd on PATH (`make test-deps`), and returns it. Tests share it: each
// works in namespaces of its own. Under -short it skips the test; without,
// a missing tool fails it.
func SimulatedCluster(t testing.TB) *SimCluster {
	t.Helper()
	RequireTool(t, "a simulated cluster (kube-apiserver, kube-controller-manager, kube-scheduler, kwok, etcd)", "make tools test-deps")
	bin := toolDir(t)
	simCluster.once.Do(func() {
		simCluster.cluster, simCluster.err = startSimCluster(bin, CRDs(t))
	})
	if simCluster.err != nil {
		t.Fatal(simCluster.err)
	}
	return simCluster.cluster
}

// toolDir is PRENV_TOOLS_BIN, else the repository's ./bin.
func toolDir(t testing.TB) string {
	if dir := os.Getenv("PRENV_TOOLS_BIN"); dir != "" {
		return dir
	}
	return filepath.Join(RepoRoot(t), "bin")
}

// simTools are the binaries a SimCluster runs, found in bin.
type simTools struct {
	etcd, apiserver, controllerManager, scheduler, kwok string
}

func findSimTools(bin string) (simTools, error) {
	etcd, err := exec.LookPath("etcd")
	if err != nil {
		return simTools{}, errors.New("etcd not found on PATH: run `make test-deps` (Debian's etcd-server)")
	}
	tools := simTools{etcd: etcd}
	for name, path := range map[string]*string{
		"kube-apiserver": &tools.apiserver, "kube-controller-manager": &tools.controllerManager,
		"kube-scheduler": &tools.scheduler, "kwok": &tools.kwok,
	} {
		*path = filepath.Join(bin, name)
		if _, err := os.Stat(*path); err != nil {
			return simTools{}, fmt.Errorf("%s not found at %s: run `make tools` (or set PRENV_TOOLS_BIN to the directory that holds it)", name, *path)
		}
	}
	if p := os.Getenv("PRENV_KUBE_APISERVER"); p != "" {
		tools.apiserver = p
	}
	return tools, nil
}

func startSimCluster(bin, crds string) (*SimCluster, error) {
	tools, err := findSimTools(bin)
	if err != nil {
		return nil, err
	}
	dir, err := binaryDir("prenv-simcluster")
	if err != nil {
		return nil, err
	}
	c := &SimCluster{Node: "kwok-node-0", LogDir: dir, Version: "v1.32.4"}
	k, err := startControlPlane(tools, dir)
	if err != nil {
		return nil, err
	}
	c.Kube = k
	kubeconfigPath := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kubeconfigPath, []byte(kubeconfig(k.Config)), 0o600); err != nil {
		return nil, err
	}
	if err := startControllers(tools, dir, kubeconfigPath); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := c.addNode(ctx); err != nil {
		return nil, err
	}
	if err := c.applyCRDs(ctx, crds); err != nil {
		return nil, err
	}
	return c, c.waitSettled(ctx)
}

// startControlPlane starts etcd and kube-apiserver and waits until the
// apiserver is ready.
func startControlPlane(tools simTools, dir string) (*Kube, error) {
	ports := make([]int, 3)
	for i := range ports {
		p, err := freeTCPPort()
		if err != nil {
			return nil, err
		}
		ports[i] = p
	}
	etcdURL := "http://127.0.0.1:" + strconv.Itoa(ports[0])
	peerURL := "http://127.0.0.1:" + strconv.Itoa(ports[1])
	args := append(etcdArgs(dir, etcdURL, peerURL), "--unsafe-no-fsync")
	if _, err := daemon("etcd", filepath.Join(dir, "etcd.log"), tools.etcd, args...); err != nil {
		return nil, err
	}
	key, err := rsaKeyPEM()
	if err != nil {
		return nil, err
	}
	tokens, saKey := filepath.Join(dir, "tokens.csv"), filepath.Join(dir, "sa.key")
	if err := os.WriteFile(tokens, []byte(adminToken+",admin,admin,system:masters\n"), 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(saKey, []byte(key), 0o600); err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "apiserver.log")
	if _, err := daemon("kube-apiserver", logPath, tools.apiserver, apiserverArgs(dir, etcdURL, ports[2], tokens, saKey)...); err != nil {
		return nil, err
	}
	cfg := adminConfig(ports[2])
	if err := waitReady(cfg, logPath); err != nil {
		return nil, err
	}
	return newKube(cfg)
}

// startControllers starts kube-controller-manager, kube-scheduler and
// KWOK, each with the admin kubeconfig and no serving port of its own.
func startControllers(tools simTools, dir, kubeconfig string) error {
	kwokConfig := filepath.Join(dir, "kwok.yaml")
	if err := os.WriteFile(kwokConfig, []byte(kwokConfiguration), 0o600); err != nil {
		return err
	}
	servers := []struct {
		name, binary string
		args         []string
	}{
		{"kube-controller-manager", tools.controllerManager, []string{
			"--kubeconfig", kubeconfig, "--leader-elect=false", "--secure-port=0",
			"--service-account-private-key-file", filepath.Join(dir, "sa.key"),
			"--root-ca-file", filepath.Join(dir, "certs", "apiserver.crt"),
			"--cluster-name", "prenv-sim", "--profiling=false",
		}},
		{"kube-scheduler", tools.scheduler, []string{
			"--kubeconfig", kubeconfig, "--leader-elect=false", "--secure-port=0", "--profiling=false",
		}},
		{"kwok", tools.kwok, []string{
			"--kubeconfig", kubeconfig, "--config", kwokConfig,
			"--manage-all-nodes=false", "--manage-nodes-with-annotation-selector", simNodeAnnotation + "=fake",
			"--node-lease-duration-seconds=40", "--cidr", "10.244.0.1/16", "--node-ip", "10.0.0.1",
		}},
	}
	for _, s := range servers {
		if _, err := daemon(s.name, filepath.Join(dir, s.name+".log"), s.binary, s.args...); err != nil {
			return err
		}
	}
	return nil
}

// FailingJobsNamespace is the namespace whose Jobs' pods fail on the
// simulated cluster: a test sees what a failed Job does there, on the
// environment of PR 99.
const FailingJobsNamespace = "pr-99"

// kwokPodStages are KWOK's default pod stages (kustomize/stage/pod/fast)
// but for FailingJobsNamespace: a pod becomes Running and Ready, and one a
// Job owns Succeeds, or there Fails.
//
//go:embed kwok/pod_stages.yaml
var kwokPodStages string

// kwokConfiguration leaves KWOK its default node stages (a node becomes
// Ready at once and keeps its lease) and gives it kwokPodStages.
var kwokConfiguration = `apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options: {}
---
` + kwokPodStages

// addNode creates the node KWOK plays: no taint, room for every test's
// pods.
func (c *SimCluster) addNode(ctx context.Context) error {
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:        c.Node,
			Annotations: map[string]string{simNodeAnnotation: "fake", "node.alpha.kubernetes.io/ttl": "0"},
			Labels: map[string]string{
				"type": "kwok", "kubernetes.io/hostname": c.Node, "kubernetes.io/os": "linux",
				"kubernetes.io/arch": "amd64", "kubernetes.io/role": "agent", "node-role.kubernetes.io/agent": "",
			},
		},
		Status: corev1.NodeStatus{
			Capacity: corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse("64"), corev1.ResourceMemory: resource.MustParse("512Gi"),
				corev1.ResourcePods: resource.MustParse("1000"),
			},
		},
	}
	node.Status.Allocatable = node.Status.Capacity
	_, err := c.Clientset.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create node %s: %w", c.Node, err)
	}
	return nil
}

func (c *SimCluster) applyCRDs(ctx context.Context, dir string) error {
	if err := c.Kube.applyCRDs(ctx, dir); err != nil {
		return fmt.Errorf("apply the CRDs in %s: %w", dir, err)
	}
	return nil
}

// waitSettled waits until KWOK has made the node Ready and the
// controller-manager has given the default namespace its service account,
// which every pod needs before the apiserver admits it.
func (c *SimCluster) waitSettled(ctx context.Context) error {
	for {
		node, nodeErr := c.Clientset.CoreV1().Nodes().Get(ctx, c.Node, metav1.GetOptions{})
		_, saErr := c.Clientset.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{})
		if nodeErr == nil && nodeReady(node) && saErr == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("simulated cluster not settled (node ready: %v, default service account: %v); see the logs in %s:\nkwok: %s\nkube-controller-manager: %s",
				nodeErr == nil && nodeReady(node), saErr, c.LogDir,
				logTail(filepath.Join(c.LogDir, "kwok.log")), logTail(filepath.Join(c.LogDir, "kube-controller-manager.log")))
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func nodeReady(node *corev1.Node) bool {
	for _, cond := range node.Status.Conditions {
		if cond.Type == corev1.NodeReady {
			return cond.Status == corev1.ConditionTrue
		}
	}
	return false
}
