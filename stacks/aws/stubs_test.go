package aws_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/aws"
)

// prepareStubs loads testdata/stubs/prenv.yaml (web, and payments as a
// stub) in mode, copied to a directory of its own when edit changes its
// files, and prepares the target for PR 7 with changed files.
func prepareStubs(t *testing.T, mode string, changed []string, edit func(dir string)) (*stacks.Blueprint, stacks.Env, stacks.Target, error) {
	t.Helper()
	dir := filepath.Join("testdata", "stubs")
	if edit != nil {
		dir = t.TempDir()
		if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "stubs"))); err != nil {
			t.Fatal(err)
		}
		edit(dir)
	}
	bp, err := stacks.Load(filepath.Join(dir, "prenv.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	bp.Routing.Mode = stacks.RoutingMode(mode)
	env := prEnv(t, bp, 7)
	target, err := aws.Prepare(t.Context(), bp, stacks.Setup{
		Program: true, Env: env, Changed: changed, Getenv: func(string) string { return "" },
		Salt: func() (string, error) { return "s3cret-salt", nil },
	})
	return bp, env, target, err
}

func TestStubOnAWS(t *testing.T) {
	t.Parallel()
	bp, env, target, err := prepareStubs(t, "isolated", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := aws.Render(bp, env, target.(aws.Target))
	if err != nil {
		t.Fatal(err)
	}
	if got := names(r.Find("kubernetes:apps/v1:Deployment")); !slices.Equal(got, []string{"payments", "web"}) {
		t.Fatalf("deployments %v, want payments and web", got)
	}
	cms := r.Find("kubernetes:core/v1:ConfigMap")
	if len(cms) != 1 || cms[0].Name != "stub-payments" {
		t.Fatalf("ConfigMaps %v, want stub-payments", names(cms))
	}
	data, _ := cms[0].Inputs["data"].(map[string]any)
	binary, _ := cms[0].Inputs["binaryData"].(map[string]any)
	status, _ := os.ReadFile("testdata/stubs/stubs/payments/status.json")
	png, _ := os.ReadFile("testdata/stubs/stubs/payments/__files/receipt.png")
	if len(data) != 2 || !slices.Contains(mapValues(data), string(status)) {
		t.Errorf("ConfigMap data %v, want the two mapping files, status.json among them", data)
	}
	if len(binary) != 1 || mapValues(binary)[0] != base64.StdEncoding.EncodeToString(png) {
		t.Errorf("ConfigMap binaryData %v, want receipt.png in base64", binary)
	}

	var deploy aws.Resource
	for _, d := range r.Find("kubernetes:apps/v1:Deployment") {
		if d.Name == "payments" {
			deploy = d
		}
	}
	tmpl := deploy.Inputs["spec"].(map[string]any)["template"].(map[string]any)
	pod := tmpl["spec"].(map[string]any)
	c := pod["containers"].([]any)[0].(map[string]any)
	if c["image"] != "ghcr.io/prenv/prenv:v1.2.3" {
		t.Errorf("stub image %v, want aws.stub-image as given", c["image"])
	}
	if got := compactArgs(c["args"]); got != "stub serve --mappings "+aws.StubMountPath+" --addr :8081" {
		t.Errorf("stub args %q", got)
	}
	if path := c["readinessProbe"].(map[string]any)["httpGet"].(map[string]any)["path"]; path != stacks.StubHealth {
		t.Errorf("stub readiness on %v, want %s", path, stacks.StubHealth)
	}
	if c["envFrom"] != nil {
		t.Errorf("the stub reads the database secret: %v", c["envFrom"])
	}
	job := r.Find("kubernetes:batch/v1:Job")[0]
	if slices.Contains(deploy.Dependencies, job.URN) || !slices.Contains(deploy.Dependencies, cms[0].URN) {
		t.Errorf("the stub depends on %v: want its ConfigMap, not the anonymisation job", deploy.Dependencies)
	}
	if rev := tmpl["metadata"].(map[string]any)["annotations"].(map[string]any)[aws.AnnotationStubRevision]; rev == nil || rev == "" {
		t.Errorf("the stub's pod has no %s annotation", aws.AnnotationStubRevision)
	}
	items := pod["volumes"].([]any)[0].(map[string]any)["configMap"].(map[string]any)["items"].([]any)
	var paths []string
	for _, it := range items {
		item := it.(map[string]any)
		if _, ok := data[item["key"].(string)]; !ok && binary[item["key"].(string)] == nil {
			t.Errorf("volume item %v names no key of the ConfigMap", item)
		}
		paths = append(paths, item["path"].(string))
	}
	slices.Sort(paths)
	if !slices.Equal(paths, []string{"__files/receipt.png", "receipt.json", "status.json"}) {
		t.Errorf("the stub's files land at %v", paths)
	}
	if got := r.Outputs["services"]; !slices.Contains(toStrings(got), "payments") {
		t.Errorf("services output %v, want payments among them", got)
	}
	violations, err := r.Violations(t.Context(), bp)
	if err != nil || len(violations) != 0 {
		t.Errorf("the stub's rendering breaks the policy: %v, %v", violations, err)
	}
}

// In sandbox mode a stub is a service like any other: a PR runs its own
// only when it changes the stub's paths (its mappings).
func TestStubInSandboxMode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		changed []string
		want    []string
	}{
		{"web changed", []string{"web/main.go"}, []string{"web"}},
		{"mappings changed", []string{"stubs/payments/status.json"}, []string{"payments"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			bp, env, target, err := prepareStubs(t, "sandbox", tc.changed, nil)
			if err != nil {
				t.Fatal(err)
			}
			r, err := aws.Render(bp, env, target.(aws.Target))
			if err != nil {
				t.Fatal(err)
			}
			if got := names(r.Find("kubernetes:apps/v1:Deployment")); !slices.Equal(got, tc.want) {
				t.Errorf("deployments %v, want %v", got, tc.want)
			}
			if got := len(r.Find("kubernetes:core/v1:ConfigMap")); got != len(slices.DeleteFunc(slices.Clone(tc.want), func(s string) bool { return s != "payments" })) {
				t.Errorf("%d ConfigMaps, want one only when the PR runs the stub", got)
			}
		})
	}
}

// Mappings that cannot be served, or that a ConfigMap cannot hold, stop
// Prepare with an input error naming the service's field and the file.
func TestStubRefusedAtPrepare(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		edit func(dir string)
		want []string
	}{
		{"a mapping prenv cannot serve", func(dir string) {
			writeFile(t, filepath.Join(dir, "stubs", "payments", "cookie.json"), `{"request": {"urlPath": "/c", "cookies": {"s": {"equalTo": "1"}}}}`)
		}, []string{"services[1].stub.mappings of payments", "cookie.json: request.cookies: cookie matchers are not served by prenv"}},
		{"more than a ConfigMap holds", func(dir string) {
			writeFile(t, filepath.Join(dir, "stubs", "payments", "__files", "receipt.png"), strings.Repeat("x", 1<<20))
		}, []string{"services[1].stub.mappings of payments: stubs/payments holds 1.00 MiB", "holds at most 1 MiB"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, _, _, err := prepareStubs(t, "isolated", nil, tc.edit)
			if !stacks.IsInput(err) {
				t.Fatalf("Prepare = %v, want an input error", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mapValues(m map[string]any) []string {
	var out []string
	for _, v := range m {
		out = append(out, v.(string))
	}
	return out
}

func toStrings(v any) []string {
	if s, ok := v.([]string); ok {
		return s
	}
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}
