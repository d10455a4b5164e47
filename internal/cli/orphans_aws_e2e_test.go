package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks/aws"
)

// TestBinaryReapReportsAWSOrphans: prenv reap on an aws blueprint reports
// the project's namespaces that have no stack, and deletes them only with
// --delete-orphans, against a real kube-apiserver.
func TestBinaryReapReportsAWSOrphans(t *testing.T) {
	t.Parallel()
	kube := testenv.KubeAPIServer(t)
	s := newSandbox(t) // project clitest, target none: it makes the live stack
	if _, stderr, code := s.run("up", "--pr", "3"); code != 0 {
		t.Fatalf("up --pr 3: %s", stderr)
	}
	blueprint := fmt.Sprintf(`project: clitest
target: aws
ttl: 2h
services:
  - {name: web, image: example.com/web}
database: {source: ebs-snapshot, golden: snap-1}
dns: {domain: preview.example.com}
aws:
  region: eu-west-1
  kubeconfig: %s
  gateway: istio-system/preview
  gateway-hostname: lb.example.com
  hosted-zone-id: Z1
`, kube.Kubeconfig(t))
	if err := os.WriteFile(filepath.Join(s.dir, "aws.yaml"), []byte(blueprint), 0o644); err != nil {
		t.Fatal(err)
	}
	namespaces := kube.Clientset.CoreV1().Namespaces()
	for _, name := range []string{"pr-1", "pr-3"} {
		labels := map[string]string{aws.LabelManagedBy: aws.ManagedBy, aws.LabelProject: "clitest", aws.LabelEnv: name}
		if _, err := namespaces.Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	deleted := func(name string) bool {
		ns, err := namespaces.Get(t.Context(), name, metav1.GetOptions{})
		return err != nil || ns.DeletionTimestamp != nil
	}

	out, stderr, code := s.run("reap", "--blueprint", "aws.yaml", "--open-prs", "3")
	if code != 0 {
		t.Fatalf("reap: exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "pr-1") || !strings.Contains(out, "grace period") || strings.Contains(out, " pr-3 ") {
		t.Errorf("reap printed:\n%s\nwant pr-1 reported within its grace period, and not pr-3", out)
	}
	out, stderr, code = s.run("reap", "--blueprint", "aws.yaml", "--open-prs", "3", "--orphan-grace", "0s")
	if code != 0 || !strings.Contains(out, "pass --delete-orphans") || deleted("pr-1") {
		t.Fatalf("reap without --delete-orphans: exit %d, printed\n%s%s\nwant pr-1 reported and kept", code, out, stderr)
	}
	out, stderr, code = s.run("reap", "--blueprint", "aws.yaml", "--open-prs", "3", "--orphan-grace", "0s", "--delete-orphans")
	if code != 0 || !strings.Contains(out, "pr-1") || !strings.Contains(out, "deleted") {
		t.Fatalf("reap --delete-orphans: exit %d, printed\n%s%s", code, out, stderr)
	}
	if !deleted("pr-1") || deleted("pr-3") {
		t.Errorf("after reap --delete-orphans: pr-1 deleted %v, pr-3 deleted %v; want only pr-1", deleted("pr-1"), deleted("pr-3"))
	}
}
