package aws_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks/aws"
)

// TestKubernetesObjectsAcceptedByAPIServer applies every Kubernetes object
// the program produces, for each database source and routing mode, to a
// real kube-apiserver with the Istio, KEDA and VolumeSnapshot CRDs, with
// server-side dry-run and strict field validation. The namespaces are
// created for real first, as the namespace lifecycle admission requires.
func TestKubernetesObjectsAcceptedByAPIServer(t *testing.T) {
	t.Parallel()
	kube := testenv.KubeAPIServer(t)
	kube.ApplyCRDs(t, testenv.CRDs(t))
	// The access objects live in the gateway's namespace, which the cluster has.
	gateway := map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "istio-system"}}
	if err := kube.Apply(t.Context(), gateway, false); err != nil {
		t.Fatal(err)
	}
	for _, source := range sources {
		for _, mode := range modes {
			r, _ := render(t, source, mode)
			var yaml bytes.Buffer
			if err := r.WriteManifests(&yaml); err != nil {
				t.Fatal(err)
			}
			objs, err := testenv.DecodeManifests(yaml.Bytes())
			if err != nil {
				t.Fatalf("%s/%s: the manifests do not decode: %v", source, mode, err)
			}
			if len(objs) != len(r.Manifests()) {
				t.Fatalf("%s/%s: %d objects decoded from %d manifests", source, mode, len(objs), len(r.Manifests()))
			}
			for _, obj := range objs {
				if obj["kind"] == "Namespace" {
					if err := kube.Apply(t.Context(), obj, false); err != nil {
						t.Fatalf("%s/%s: create the namespace: %v", source, mode, err)
					}
				}
			}
			for _, obj := range objs {
				if err := kube.Apply(t.Context(), obj, true); err != nil {
					t.Errorf("%s/%s: the API server refused %v", source, mode, err)
				}
			}
		}
	}
	t.Run("HTTP add-on and an Istio revision", func(t *testing.T) {
		bp := interceptorBlueprint(t, "sandbox")
		bp.AWS.IstioRevision = "1-22"
		r, err := aws.Render(bp, prEnv(t, bp, 9), changedWeb)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Find("kubernetes:http.keda.sh/v1alpha1:HTTPScaledObject")) == 0 {
			t.Fatal("no HTTPScaledObject rendered")
		}
		for _, obj := range r.Manifests() {
			if err := kube.Apply(t.Context(), obj, obj["kind"] != "Namespace"); err != nil {
				t.Errorf("the API server refused %v", err)
			}
		}
	})
	t.Run("routes stack", func(t *testing.T) {
		r, err := aws.RenderRoutes(example(t, "rds-snapshot", "sandbox"), live)
		if err != nil {
			t.Fatal(err)
		}
		baseline := map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "baseline"}}
		if err := kube.Apply(t.Context(), baseline, false); err != nil {
			t.Fatal(err)
		}
		for _, obj := range r.Manifests() {
			if err := kube.Apply(t.Context(), obj, true); err != nil {
				t.Errorf("the API server refused %v", err)
			}
		}
	})
	t.Run("wrong fields are rejected", func(t *testing.T) {
		r, _ := render(t, "ebs-snapshot", "isolated")
		for _, c := range []struct {
			name   string
			kind   string
			mutate func(obj map[string]any)
			want   string
		}{
			{"unknown Deployment field", "Deployment", func(o map[string]any) { o["spec"].(map[string]any)["replicaz"] = 1 }, "replicaz"},
			{"Service port of the wrong type", "Service", func(o map[string]any) {
				o["spec"].(map[string]any)["ports"].([]any)[0].(map[string]any)["port"] = "eighty"
			}, "port"},
			{"ScaledObject against its CRD schema", "ScaledObject", func(o map[string]any) { o["spec"].(map[string]any)["minReplicaCount"] = "zero" }, "minReplicaCount"},
			{"VirtualService unknown field", "VirtualService", func(o map[string]any) { o["spec"].(map[string]any)["hostz"] = []any{"x"} }, "hostz"},
			{"AuthorizationPolicy unknown field", "AuthorizationPolicy", func(o map[string]any) { o["spec"].(map[string]any)["providr"] = map[string]any{"name": "x"} }, "providr"},
			{"AuthorizationPolicy action outside its enum", "AuthorizationPolicy", func(o map[string]any) { o["spec"].(map[string]any)["action"] = "EXTERNAL" }, "action"},
			{"RequestAuthentication unknown rule field", "RequestAuthentication", func(o map[string]any) {
				o["spec"].(map[string]any)["jwtRules"].([]any)[0].(map[string]any)["issuerz"] = "x"
			}, "issuerz"},
		} {
			t.Run(c.name, func(t *testing.T) {
				obj := first(t, r.Manifests(), c.kind)
				c.mutate(obj)
				err := kube.Apply(t.Context(), obj, true)
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Errorf("the API server answered %v, want a refusal mentioning %q", err, c.want)
				}
			})
		}
	})
}

// first returns a deep copy of the first manifest of kind, so a test can
// break it.
func first(t *testing.T, ms []map[string]any, kind string) map[string]any {
	t.Helper()
	for _, m := range ms {
		if m["kind"] == kind {
			data, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			var obj map[string]any
			if err := json.Unmarshal(data, &obj); err != nil {
				t.Fatal(err)
			}
			return obj
		}
	}
	t.Fatalf("no %s rendered", kind)
	return nil
}
