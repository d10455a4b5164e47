package aws

import (
	"strings"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Labels that choose the Istio sidecar injection of a namespace: the
// default injector's, or a revision's (istio.io/rev wins over no label,
// but istio-injection=enabled would override it).
const (
	LabelIstioInjection = "istio-injection"
	LabelIstioRevision  = "istio.io/rev"
)

// namespace creates the environment's namespace with its owner labels,
// expiry and Istio injection, and its NetworkPolicies (policies.go).
func (e *envBuild) namespace() error {
	lbl := labels(e.bp, e.env)
	for k, v := range e.injection() {
		lbl[k] = pulumi.String(v)
	}
	ns, err := corev1.NewNamespace(e.ctx, "namespace", &corev1.NamespaceArgs{
		Metadata: metav1.ObjectMetaArgs{
			Name:   pulumi.String(e.ns),
			Labels: lbl,
			Annotations: pulumi.StringMap{
				AnnotationExpiresAt: pulumi.String(e.env.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z")),
				AnnotationRepo:      pulumi.String(e.env.Repo),
			},
		},
	}, e.k8s()...)
	if err != nil {
		return err
	}
	e.nsRes = ns
	return e.policies()
}

// injection is the namespace's sidecar injection label: the blueprint's
// Istio revision, else the default injector.
func (e *envBuild) injection() map[string]string {
	if rev := e.bp.AWS.IstioRevision; rev != "" {
		return map[string]string{LabelIstioRevision: rev}
	}
	return map[string]string{LabelIstioInjection: "enabled"}
}

// borrowed lists the services env takes from the baseline.
func (e *envBuild) borrowed() []string {
	var out []string
	for _, s := range e.bp.Services {
		if !e.bp.RunsOwn(s, e.env, e.t.Changed) {
			out = append(out, s.Name)
		}
	}
	return out
}

func (e *envBuild) gatewayNamespace() string {
	ns, _, _ := strings.Cut(e.bp.AWS.Gateway, "/")
	return ns
}

// meta is the metadata of a namespaced object called name.
func (e *envBuild) meta(name string, extra ...pulumi.StringMap) metav1.ObjectMetaArgs {
	lbl := labels(e.bp, e.env)
	for _, m := range extra {
		for k, v := range m {
			lbl[k] = v
		}
	}
	return metav1.ObjectMetaArgs{Name: pulumi.String(name), Namespace: pulumi.String(e.ns), Labels: lbl}
}
