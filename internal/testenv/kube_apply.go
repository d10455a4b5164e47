package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
)

// Apply server-side applies obj, a Kubernetes object as decoded JSON, with
// strict field validation. With dryRun the server validates and admits it
// and stores nothing; the error is the server's refusal, if any.
func (k *Kube) Apply(ctx context.Context, obj map[string]any, dryRun bool) error {
	u := &unstructured.Unstructured{Object: obj}
	gvk := u.GroupVersionKind()
	mapping, err := k.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) { // a CRD applied since the last discovery
		k.mapper.Reset()
		mapping, err = k.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", gvk.Kind, u.GetName(), err)
	}
	data, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	opts := metav1.PatchOptions{FieldManager: "prenv-test", Force: ptr(true), FieldValidation: "Strict"}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	res := k.Dynamic.Resource(mapping.Resource)
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		_, err = res.Namespace(u.GetNamespace()).Patch(ctx, u.GetName(), types.ApplyPatchType, data, opts)
	} else {
		_, err = res.Patch(ctx, u.GetName(), types.ApplyPatchType, data, opts)
	}
	if err != nil {
		return fmt.Errorf("%s %s/%s: %w", gvk.Kind, u.GetNamespace(), u.GetName(), err)
	}
	return nil
}

// CRDs returns the directory of the CustomResourceDefinitions the aws
// target's objects need (Istio, KEDA, VolumeSnapshots): PRENV_CRDS, or the
// copies of the real ones in internal/testenv/testdata/crds.
func CRDs(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("PRENV_CRDS")
	if dir == "" {
		dir = filepath.Join(RepoRoot(t), "internal", "testenv", "testdata", "crds")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("CRDs not found at %s: set PRENV_CRDS to the directory of the Istio, KEDA and VolumeSnapshot CRDs", dir)
	}
	return dir
}

// ApplyCRDs applies every CustomResourceDefinition in dir's .yaml files
// and waits until each is established.
func (k *Kube) ApplyCRDs(t testing.TB, dir string) {
	t.Helper()
	if err := k.applyCRDs(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
}

func (k *Kube) applyCRDs(ctx context.Context, dir string) error {
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) == 0 {
		return fmt.Errorf("no .yaml files in %s", dir)
	}
	var names []string
	for _, f := range files {
		objs, err := ReadManifests(f)
		if err != nil {
			return err
		}
		for _, obj := range objs {
			if err := k.Apply(ctx, obj, false); err != nil {
				return fmt.Errorf("apply %s: %w", f, err)
			}
			names = append(names, (&unstructured.Unstructured{Object: obj}).GetName())
		}
	}
	crds := k.Dynamic.Resource(schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"})
	deadline := time.Now().Add(30 * time.Second)
	for _, name := range names {
		for {
			u, err := crds.Get(ctx, name, metav1.GetOptions{})
			if err == nil && established(u) {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("CRD %s not established after 30s (%v)", name, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	k.mapper.Reset()
	return nil
}

func established(u *unstructured.Unstructured) bool {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		if c, ok := c.(map[string]any); ok && c["type"] == "Established" && c["status"] == "True" {
			return true
		}
	}
	return false
}

// ReadManifests decodes every object of a YAML stream file.
func ReadManifests(path string) ([]map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return DecodeManifests(data)
}

// DecodeManifests decodes every object of a YAML stream.
func DecodeManifests(data []byte) ([]map[string]any, error) {
	dec := yaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var out []map[string]any
	for {
		var obj map[string]any
		err := dec.Decode(&obj)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if len(obj) > 0 {
			out = append(out, obj)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// Get returns the live object that obj, a Kubernetes object as decoded
// JSON, names by its kind, namespace and name.
func (k *Kube) Get(ctx context.Context, obj map[string]any) (map[string]any, error) {
	u := &unstructured.Unstructured{Object: obj}
	res, err := k.resource(u.GetAPIVersion(), u.GetKind(), u.GetNamespace())
	if err != nil {
		return nil, err
	}
	live, err := res.Get(ctx, u.GetName(), metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("%s %s/%s: %w", u.GetKind(), u.GetNamespace(), u.GetName(), err)
	}
	return live.Object, nil
}

// List returns the cluster's objects of apiVersion and kind, in every
// namespace, that match the label selector.
func (k *Kube) List(ctx context.Context, apiVersion, kind, selector string) ([]map[string]any, error) {
	res, err := k.resource(apiVersion, kind, "")
	if err != nil {
		return nil, err
	}
	list, err := res.List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(list.Items))
	for _, item := range list.Items {
		out = append(out, item.Object)
	}
	return out, nil
}

// resource is the dynamic client of apiVersion and kind, in namespace if
// it is namespaced and namespace is not empty.
func (k *Kube) resource(apiVersion, kind, namespace string) (dynamic.ResourceInterface, error) {
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return nil, err
	}
	mapping, err := k.mapper.RESTMapping(schema.GroupKind{Group: gv.Group, Kind: kind}, gv.Version)
	if meta.IsNoMatchError(err) {
		k.mapper.Reset()
		mapping, err = k.mapper.RESTMapping(schema.GroupKind{Group: gv.Group, Kind: kind}, gv.Version)
	}
	if err != nil {
		return nil, err
	}
	res := k.Dynamic.Resource(mapping.Resource)
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace && namespace != "" {
		return res.Namespace(namespace), nil
	}
	return res, nil
}
