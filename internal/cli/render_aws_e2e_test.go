package cli_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

// TestBinaryRenderAWS: prenv render prints, for each database source and
// routing mode of examples/aws, manifests that a real kube-apiserver
// accepts with server-side dry-run, as `kubectl apply --dry-run=server`
// would send them, after a commented table of the AWS resources.
func TestBinaryRenderAWS(t *testing.T) {
	t.Parallel()
	kube := testenv.KubeAPIServer(t)
	kube.ApplyCRDs(t, testenv.CRDs(t))
	// The shared gateway's namespace is the platform's (Istio's): access
	// oidc puts its policies there, and prenv never creates it.
	gatewayNamespace := map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "istio-system"}}
	if err := kube.Apply(t.Context(), gatewayNamespace, false); err != nil {
		t.Fatal(err)
	}
	s := newSandbox(t)
	s.extraEnv = append(s.extraEnv, "GITHUB_SHA=0123abcd")
	blueprint := filepath.Join(testenv.RepoRoot(t), "examples", "aws", "prenv.yaml")
	for _, source := range []string{"rds-snapshot", "aurora-clone", "ebs-snapshot"} {
		for _, mode := range []string{"isolated", "sandbox"} {
			args := []string{"render", "--blueprint", blueprint, "--pr", "12", "--database-source", source, "--routing-mode", mode}
			if mode == "sandbox" {
				// Against HEAD the sandbox changes no service and borrows them
				// all; the program's tests cover sandboxes that run some.
				args = append(args, "--base", "HEAD")
			}
			out, stderr, code := s.run(args...)
			if code != 0 {
				t.Fatalf("render %s %s: exit %d: %s", source, mode, code, stderr)
			}
			if !strings.HasPrefix(out, "# TYPE") || !strings.Contains(out, "# aws:route53/record:Record") || !strings.Contains(out, "# output url") {
				t.Errorf("render %s %s: no table of AWS resources first:\n%.600s", source, mode, out)
			}
			objs, err := testenv.DecodeManifests([]byte(out))
			if err != nil || len(objs) < 5 {
				t.Fatalf("render %s %s: %d objects (%v)", source, mode, len(objs), err)
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
					t.Errorf("render %s %s: the API server refused %v", source, mode, err)
				}
			}
		}
	}
}

// TestBinaryAWSPolicyStopsUp: a policy violation stops preview and up
// before anything runs, one line per violation, and offline so does a
// missing pinned plugin, naming the command that installs it.
func TestBinaryAWSPolicyStopsUp(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	s.extraEnv = append(s.extraEnv, "GITHUB_SHA=0123abcd", "PULUMI_HOME="+t.TempDir())
	example, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "examples", "aws", "prenv.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(example), "project: shop", "project: clitest", 1)
	broken = strings.Replace(broken, "golden: shop-golden-2026-11-21", "golden: prod-unmasked", 1)
	broken = strings.Replace(broken, "  scale-to-zero: true\n", "  scale-to-zero: true\n  instance-class: db.r6g.16xlarge\n", 1)
	if err := os.WriteFile(filepath.Join(s.dir, "aws.yaml"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"preview", "up"} {
		_, stderr, code := s.run(cmd, "--blueprint", "aws.yaml", "--pr", "3")
		if code != 2 {
			t.Errorf("%s with violations: exit %d, want 2: %s", cmd, code, stderr)
		}
		for _, want := range []string{"breaks 2 policy rules; nothing was changed", `policy allowed-snapshots: database restores from "prod-unmasked"`, `policy instance-class: database uses instance class "db.r6g.16xlarge"`} {
			if !strings.Contains(stderr, want) {
				t.Errorf("%s printed\n%s\nwant %q", cmd, stderr, want)
			}
		}
	}
	_, stderr, code := s.run("render", "--blueprint", "aws.yaml", "--pr", "3", "--output", "table")
	if code != 1 || !strings.Contains(stderr, "policy instance-class") {
		t.Errorf("render with violations: exit %d, want 1 naming them: %s", code, stderr)
	}

	if err := os.WriteFile(filepath.Join(s.dir, "aws.yaml"), []byte(s.onMoto()), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = s.run("preview", "--blueprint", "aws.yaml", "--pr", "3", "--offline")
	if code == 0 || !strings.Contains(stderr, "pulumi plugin install resource aws 6.83.0") {
		t.Errorf("offline preview without the plugins: exit %d, want the install command named: %s", code, stderr)
	}
}

// TestBinaryAWSInstallsMissingPlugins: without --offline, preview
// downloads a missing pinned plugin from Pulumi's default source (here
// sent by PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES to a local server that has
// none), saying so, and a 404 stops it in one line naming the plugin and
// the URL tried.
func TestBinaryAWSInstallsMissingPlugins(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.URL.Path)
		mu.Unlock()
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	s := newSandbox(t)
	s.extraEnv = append(s.extraEnv, "GITHUB_SHA=0123abcd", "PULUMI_HOME="+t.TempDir(), "PULUMI_DISABLE_REGISTRY_RESOLVE=true",
		`PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES=^github://api\.github\.com/pulumi/=`+srv.URL)
	if err := os.WriteFile(filepath.Join(s.dir, "aws.yaml"), []byte(s.onMoto()), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := s.run("preview", "--blueprint", "aws.yaml", "--pr", "3")
	archive := fmt.Sprintf("/pulumi-resource-aws-v6.83.0-%s-%s.tar.gz", runtime.GOOS, runtime.GOARCH)
	for _, want := range []string{"installing the Pulumi plugin aws v6.83.0", "prenv: install the Pulumi plugin aws v6.83.0 from Pulumi's default source", "404", srv.URL + archive, "--offline"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("preview printed\n%s\nwant %q", stderr, want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if code != 1 || !slices.Equal(asked, []string{archive}) {
		t.Errorf("preview: exit %d, asked the server for %q; want 1 after asking for %s", code, asked, archive)
	}
}

// TestBinaryRoutes: prenv routes serves sandbox mode only, and offline
// names the plugins it needs before it changes anything.
func TestBinaryRoutes(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	s.extraEnv = append(s.extraEnv, "PULUMI_HOME="+t.TempDir())
	example, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "examples", "aws", "prenv.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	isolated := strings.Replace(string(example), "project: shop", "project: clitest", 1)
	if err := os.WriteFile(filepath.Join(s.dir, "aws.yaml"), []byte(isolated), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := s.run("routes", "--blueprint", "aws.yaml"); code != 2 || !strings.Contains(stderr, "routing.mode sandbox") {
		t.Errorf("routes in isolated mode: exit %d, want 2: %s", code, stderr)
	}
	sandbox := strings.Replace(isolated, "mode: isolated", "mode: sandbox", 1)
	if err := os.WriteFile(filepath.Join(s.dir, "aws.yaml"), []byte(sandbox), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := s.run("routes", "--blueprint", "aws.yaml", "--offline"); code != 1 || !strings.Contains(stderr, "pulumi plugin install resource kubernetes 4.23.0") {
		t.Errorf("offline routes without the plugins: exit %d, want 1 naming the install command: %s", code, stderr)
	}
}

// TestBinaryAWSNeedsARepository: with no --repo, GITHUB_REPOSITORY or git
// origin, preview and up on aws refuse in one line before anything runs,
// while render still prints, warning that the repository tags are empty.
func TestBinaryAWSNeedsARepository(t *testing.T) {
	t.Parallel()
	s := newSandbox(t) // its directory is no git checkout
	s.extraEnv = append(s.extraEnv, "GITHUB_REPOSITORY=", "GITHUB_SHA=0123abcd", "PULUMI_HOME="+t.TempDir())
	blueprint := filepath.Join(s.dir, "aws.yaml")
	if err := os.WriteFile(blueprint, []byte(s.onMoto()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"preview", "up"} {
		_, stderr, code := s.run(cmd, "--blueprint", blueprint, "--pr", "3")
		lines := strings.Split(strings.TrimSpace(stderr), "\n") // notices, then the error
		last := lines[len(lines)-1]
		if code != 2 || !strings.HasPrefix(last, "prenv: no repository to tag the aws resources with") || !strings.HasSuffix(last, "whose origin is on GitHub") {
			t.Errorf("%s without a repository: exit %d, %q; want 2 and one line asking for --repo", cmd, code, stderr)
		}
	}
	if entries, _ := os.ReadDir(s.backend); len(entries) != 0 {
		t.Errorf("the refused runs wrote to the backend: %v", entries)
	}
	out, stderr, code := s.run("render", "--blueprint", blueprint, "--pr", "3", "--output", "table")
	if code != 0 || !strings.Contains(stderr, "warning: no repository, so prenv:repo and prenv.dev/repo are empty") || !strings.Contains(out, "aws:route53/record:Record") {
		t.Errorf("render without a repository: exit %d, %s\n%s; want the rendering and a warning", code, stderr, out)
	}
	// With one, preview gets past the check, to the missing plugins.
	_, stderr, code = s.run("preview", "--blueprint", blueprint, "--pr", "3", "--repo", "acme/shop", "--offline")
	if code == 0 || strings.Contains(stderr, "no repository") || !strings.Contains(stderr, "pulumi plugin install") {
		t.Errorf("preview with --repo: exit %d, %s; want it past the repository check, stopped by the missing plugins", code, stderr)
	}
}
