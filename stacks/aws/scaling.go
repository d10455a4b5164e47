package aws

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/stacks"
)

// Scaling's periods, in seconds: a new environment stays up for
// InitialCooldown before KEDA may scale it down (else the "live" URL of a
// PR nobody has opened yet answers from a cold start, or not at all), and
// a service must be idle for Cooldown before it is.
const (
	InitialCooldown = 1800
	Cooldown        = 1800
)

// httpInterceptor is the KEDA HTTP add-on's interceptor proxy: it holds a
// request for an idle service while KEDA starts a pod, which a metric
// trigger cannot do.
type httpInterceptor struct {
	namespace, service string
	port               int
}

// host is the interceptor's cluster name.
func (h httpInterceptor) host() string { return h.service + "." + h.namespace + ".svc.cluster.local" }

// httpInterceptorOf returns the blueprint's interceptor when scale-to-zero
// uses one.
func httpInterceptorOf(bp *stacks.Blueprint) (httpInterceptor, bool) {
	if !bp.AWS.ScaleToZero || bp.AWS.HTTPInterceptor == "" {
		return httpInterceptor{}, false
	}
	ns, rest, _ := strings.Cut(bp.AWS.HTTPInterceptor, "/")
	svc, p, _ := strings.Cut(rest, ":")
	n, _ := strconv.Atoi(p) // validated: namespace/service:port
	return httpInterceptor{namespace: ns, service: svc, port: n}, true
}

// scales reports whether KEDA scales env's services: a PR's with
// scale-to-zero. The baseline, which every PR borrows from, never scales
// down.
func (e *envBuild) scales() bool { return e.bp.AWS.ScaleToZero && !e.isBaseline() }

// scaler lets KEDA scale s. With the HTTP add-on it scales to zero: an
// HTTPScaledObject, and a VirtualService that sends the namespace's own
// requests for s through the interceptor. Without it, a ScaledObject
// keeps one replica: nothing would hold the first request while a pod
// starts, so scaling to zero would answer it 503.
func (e *envBuild) scaler(s stacks.Service) error {
	in, ok := httpInterceptorOf(e.bp)
	if !ok {
		return e.scaledObject(s)
	}
	hosts := []any{e.serviceHost(s.Name)}
	if entry := e.bp.EntryService(); entry != nil && entry.Name == s.Name {
		hosts = append(hosts, e.hostname()) // the gateway's requests keep their public host
	}
	if _, err := apiextensions.NewCustomResource(e.ctx, "scale-"+s.Name, &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("http.keda.sh/v1alpha1"),
		Kind:       pulumi.String("HTTPScaledObject"),
		Metadata:   e.meta(s.Name),
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"hosts":                 hosts,
			"scaleTargetRef":        map[string]any{"name": s.Name, "kind": "Deployment", "apiVersion": "apps/v1", "service": s.Name, "port": portOf(s)},
			"replicas":              map[string]any{"min": 0, "max": 1},
			"initialCooldownPeriod": InitialCooldown,
			"scaledownPeriod":       Cooldown,
		}},
	}, e.k8s()...); err != nil {
		return err
	}
	_, err := apiextensions.NewCustomResource(e.ctx, "via-interceptor-"+s.Name, &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(VirtualServiceAPI),
		Kind:       pulumi.String("VirtualService"),
		Metadata:   e.meta("via-interceptor-" + s.Name),
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"hosts": []any{e.serviceHost(s.Name)},
			// Only this namespace's sidecars: the interceptor's own request
			// to the service must not come back to it.
			"exportTo": []any{"."},
			"http":     []any{viaInterceptor(in, e.serviceHost(s.Name))},
		}},
	}, e.k8s()...)
	return err
}

// viaInterceptor is an HTTP route to the interceptor for host, which it
// picks the service by.
func viaInterceptor(in httpInterceptor, host string) map[string]any {
	return map[string]any{
		"rewrite": map[string]any{"authority": host},
		"route":   []any{map[string]any{"destination": map[string]any{"host": in.host(), "port": map[string]any{"number": in.port}}}},
	}
}

// scaledObject is scale-to-zero without the HTTP add-on: KEDA keeps one
// replica (see scaler), scaling on the gateway's request rate.
func (e *envBuild) scaledObject(s stacks.Service) error {
	query := fmt.Sprintf(`sum(rate(istio_requests_total{destination_service_namespace=%q,destination_service_name=%q}[10m]))`, e.ns, s.Name)
	_, err := apiextensions.NewCustomResource(e.ctx, "scale-"+s.Name, &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("keda.sh/v1alpha1"),
		Kind:       pulumi.String("ScaledObject"),
		Metadata:   e.meta(s.Name),
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"scaleTargetRef":        map[string]any{"name": s.Name},
			"minReplicaCount":       1,
			"maxReplicaCount":       1,
			"initialCooldownPeriod": InitialCooldown,
			"cooldownPeriod":        Cooldown,
			"triggers": []any{map[string]any{
				"type": "prometheus",
				"metadata": map[string]any{
					"serverAddress":       e.bp.AWS.Prometheus,
					"query":               query,
					"threshold":           "1",
					"activationThreshold": "0",
				},
			}},
		}},
	}, e.k8s()...)
	return err
}

// serviceHost is the cluster name of env's service svc.
func (e *envBuild) serviceHost(svc string) string { return svc + "." + e.ns + ".svc.cluster.local" }
