package aws

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	k8smeta "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/prenv/prenv/internal/stub"
	"github.com/prenv/prenv/stacks"
)

// A stub service on aws is a small Deployment of aws.stub-image running
// `prenv stub serve` on its mappings, which a ConfigMap holds.
const (
	// StubMountPath is where a stub's pod finds its mappings.
	StubMountPath = "/etc/prenv/stub"
	// MaxConfigMapBytes is Kubernetes' limit on a ConfigMap's data: its
	// keys and values together.
	MaxConfigMapBytes = 1 << 20
	// AnnotationStubRevision fingerprints a stub's mappings on its pod
	// template, so a change rolls the pod.
	AnnotationStubRevision = "prenv.dev/stub-revision"
)

// A stub's container requests and limits: it holds its mappings in memory
// and does little per request, whatever aws.requests says for services.
const (
	stubRequestCPU    = "20m"
	stubRequestMemory = "32Mi"
	stubLimitCPU      = "200m"
	stubLimitMemory   = "128Mi"
)

// loadStubs loads every stub service's mappings, refusing one prenv cannot
// serve and a set too big for a ConfigMap, before anything is created.
func loadStubs(bp *stacks.Blueprint) (map[string]*stub.Set, error) {
	sets := map[string]*stub.Set{}
	var errs []error
	for i, s := range bp.Services {
		if !s.IsStub() {
			continue
		}
		field := fmt.Sprintf("services[%d].stub.mappings", i)
		set, err := stub.Load(bp.Resolve(s.Stub.Mappings))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s of %s:\n%w", field, s.Name, err))
			continue
		}
		data, binary := stubFiles(set)
		if size := configMapSize(data, binary); size > MaxConfigMapBytes {
			errs = append(errs, fmt.Errorf("%s of %s: %s holds %.2f MiB of mappings and body files, and the ConfigMap that carries them to the stub's pod holds at most 1 MiB: "+
				"remove mappings or bodies the environments do not need, or split the stub into two services", field, s.Name, s.Stub.Mappings, float64(size)/(1<<20)))
			continue
		}
		sets[s.Name] = set
	}
	return sets, stacks.Input(errors.Join(errs...))
}

var keyUnsafe = regexp.MustCompile(`[^-._a-zA-Z0-9]+`)

// stubFiles are a set's files as ConfigMap entries: text in data, the
// rest base64 in binaryData. Keys are flat, so each file's key is its
// index and name, and stubItems puts it back at its path.
func stubFiles(set *stub.Set) (data, binary map[string]string) {
	data, binary = map[string]string{}, map[string]string{}
	for i, f := range set.Files {
		key := stubFileKey(i, f.Path)
		if utf8.Valid(f.Data) {
			data[key] = string(f.Data)
		} else {
			binary[key] = base64.StdEncoding.EncodeToString(f.Data)
		}
	}
	return data, binary
}

func stubFileKey(i int, path string) string {
	return fmt.Sprintf("%03d-%s", i, strings.Trim(keyUnsafe.ReplaceAllString(path, "_"), "_"))
}

// configMapSize is what Kubernetes counts against the limit: every key
// and value, binary ones decoded.
func configMapSize(data, binary map[string]string) int {
	n := 0
	for k, v := range data {
		n += len(k) + len(v)
	}
	for k, v := range binary {
		n += len(k) + base64.StdEncoding.DecodedLen(len(v))
	}
	return n
}

// stub creates stub service s: its ConfigMap of mappings, and a Deployment
// of aws.stub-image serving them. It needs no database.
func (e *envBuild) stub(s stacks.Service) error {
	set, ok := e.t.Stubs[s.Name]
	if !ok {
		return fmt.Errorf("the mappings of stub %s were not loaded: prepare the target with aws.Prepare", s.Name)
	}
	data, binary := stubFiles(set)
	cm, err := corev1.NewConfigMap(e.ctx, "stub-"+s.Name, &corev1.ConfigMapArgs{
		Metadata:   e.meta("stub-"+s.Name, pulumi.StringMap{"app": pulumi.String(s.Name)}),
		Data:       pulumi.ToStringMap(data),
		BinaryData: pulumi.ToStringMap(binary),
	}, e.k8s()...)
	if err != nil {
		return err
	}
	var items corev1.KeyToPathArray
	for i, f := range set.Files {
		items = append(items, corev1.KeyToPathArgs{Key: pulumi.String(stubFileKey(i, f.Path)), Path: pulumi.String(f.Path)})
	}
	app := pulumi.StringMap{"app": pulumi.String(s.Name)}
	port := portOf(s)
	spec := appsv1.DeploymentSpecArgs{
		Selector: metav1.LabelSelectorArgs{MatchLabels: app},
		Template: corev1.PodTemplateSpecArgs{
			Metadata: metav1.ObjectMetaArgs{Labels: app, Annotations: pulumi.StringMap{AnnotationStubRevision: pulumi.String(set.Revision())}},
			Spec: corev1.PodSpecArgs{
				Containers: corev1.ContainerArray{corev1.ContainerArgs{
					Name:  pulumi.String(s.Name),
					Image: pulumi.String(e.bp.AWS.StubImage),
					Args:  pulumi.ToStringArray([]string{"stub", "serve", "--mappings", StubMountPath, "--addr", fmt.Sprintf(":%d", port)}),
					Ports: corev1.ContainerPortArray{corev1.ContainerPortArgs{Name: pulumi.String("http"), ContainerPort: pulumi.Int(port)}},
					ReadinessProbe: corev1.ProbeArgs{
						HttpGet:       corev1.HTTPGetActionArgs{Path: pulumi.String(stub.HealthPath), Port: pulumi.Int(port)},
						PeriodSeconds: pulumi.Int(5),
					},
					Resources: corev1.ResourceRequirementsArgs{
						Requests: pulumi.StringMap{"cpu": pulumi.String(stubRequestCPU), "memory": pulumi.String(stubRequestMemory)},
						Limits:   pulumi.StringMap{"cpu": pulumi.String(stubLimitCPU), "memory": pulumi.String(stubLimitMemory)},
					},
					VolumeMounts: corev1.VolumeMountArray{corev1.VolumeMountArgs{Name: pulumi.String("mappings"), MountPath: pulumi.String(StubMountPath), ReadOnly: pulumi.Bool(true)}},
				}},
				Volumes: corev1.VolumeArray{corev1.VolumeArgs{
					Name:      pulumi.String("mappings"),
					ConfigMap: corev1.ConfigMapVolumeSourceArgs{Name: pulumi.String("stub-" + s.Name), Items: items},
				}},
			},
		},
	}
	if !e.bp.AWS.ScaleToZero { // KEDA owns the replica count otherwise
		spec.Replicas = pulumi.Int(1)
	}
	_, err = appsv1.NewDeployment(e.ctx, s.Name, &appsv1.DeploymentArgs{Metadata: e.meta(s.Name, app), Spec: spec},
		e.k8s(pulumi.DependsOn([]pulumi.Resource{cm}))...)
	return err
}

// UnmatchedStubRequests implements stacks.StubCounter: each stub env runs
// in its namespace, asked through the Kubernetes API server's service
// proxy. Stubs env borrows from the baseline are left out.
func (t Target) UnmatchedStubRequests(ctx context.Context, bp *stacks.Blueprint, env stacks.Env) (map[string]int64, error) {
	if !bp.HasStubs() {
		return nil, nil
	}
	client, err := t.kubeClient(ctx, bp, "ask the stubs")
	if err != nil {
		return nil, err
	}
	ns := namespaceOf(bp, env)
	services := client.CoreV1().Services(ns)
	counts := map[string]int64{}
	var errs []error
	for _, s := range bp.Services {
		if !s.IsStub() {
			continue
		}
		svc, err := services.Get(ctx, s.Name, k8smeta.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			continue // borrowed from the baseline
		case err != nil:
			errs = append(errs, fmt.Errorf("stub %s in %s: %w", s.Name, ns, err))
			continue
		case svc.Spec.Type == "ExternalName":
			continue // shared: the baseline's
		}
		body, err := services.ProxyGet("http", s.Name, "http", stub.UnmatchedPath, nil).DoRaw(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("stub %s in %s: %w", s.Name, ns, err))
			continue
		}
		u, err := stub.DecodeUnmatched(body)
		if err != nil {
			errs = append(errs, fmt.Errorf("stub %s in %s: %w", s.Name, ns, err))
			continue
		}
		counts[s.Name] = u.Count
	}
	return counts, errors.Join(errs...)
}
