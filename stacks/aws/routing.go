package aws

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// VirtualServiceAPI is the Istio API version of the VirtualServices prenv
// creates: the version the CRD stores.
const VirtualServiceAPI = "networking.istio.io/v1"

// hostname is the environment's public host, pr-<n>.<domain>.
func (e *envBuild) hostname() string { return e.env.DNSLabel + "." + e.bp.DNS.Domain }

// host serves pr-<n>.<domain> on the shared gateway: a VirtualService that
// sets the routing key and routes to the entry service (the baseline's
// when the PR does not run it), and a Route53 record for the gateway's
// load balancer.
func (e *envBuild) host() error {
	entry := e.bp.EntryService()
	if entry == nil {
		return nil
	}
	dest := entry.Name + "." + e.ns + ".svc.cluster.local"
	if !e.bp.RunsOwn(*entry, e.env, e.t.Changed) {
		dest = e.baselineHost(entry.Name)
	}
	destination := map[string]any{"host": dest, "port": map[string]any{"number": portOf(*entry)}}
	if in, ok := httpInterceptorOf(e.bp); ok && e.scales() && e.bp.RunsOwn(*entry, e.env, e.t.Changed) {
		// The interceptor holds the request while KEDA starts the entry;
		// its HTTPScaledObject lists the public host.
		destination = map[string]any{"host": in.host(), "port": map[string]any{"number": in.port}}
	}
	http := map[string]any{"route": []any{map[string]any{"destination": destination}}}
	if e.env.PR != 0 {
		http["headers"] = map[string]any{"request": map[string]any{"set": map[string]any{e.bp.Routing.Header: e.env.Name}}}
	}
	return e.serveHost("host", http)
}

// serveHost routes the environment's host on the gateway by http (a
// VirtualService whose metadata name is metaName), and points its DNS
// name at the gateway.
func (e *envBuild) serveHost(metaName string, http map[string]any) error {
	if _, err := apiextensions.NewCustomResource(e.ctx, "host", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(VirtualServiceAPI),
		Kind:       pulumi.String("VirtualService"),
		Metadata:   e.meta(metaName),
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"hosts":    []any{e.hostname()},
			"gateways": []any{e.bp.AWS.Gateway},
			"http":     []any{http},
		}},
	}, e.k8s()...); err != nil {
		return err
	}
	_, err := route53.NewRecord(e.ctx, "host", &route53.RecordArgs{
		ZoneId:  pulumi.String(e.bp.AWS.HostedZoneID),
		Name:    pulumi.String(e.hostname()),
		Type:    pulumi.String("CNAME"),
		Ttl:     pulumi.Int(60),
		Records: pulumi.ToStringArray([]string{e.bp.AWS.GatewayHostname}),
	}, e.cloud()...)
	return err
}
