package aws

import (
	"maps"
	"slices"
	"strings"

	netv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/internal/naming"
	"github.com/prenv/prenv/stacks"
)

// GroupPolicy names the NetworkPolicy a PR group puts in each member's
// namespace, and its host's VirtualService: prenv-group-<name> for group
// grp-<name>.
func GroupPolicy(env stacks.Env) string {
	return "prenv-group-" + strings.TrimPrefix(env.Name, naming.GroupPrefix)
}

// buildGroup is a PR group's program: routes and nothing else. Its host,
// grp-<name>.<domain>, on the shared gateway (the routing key set, the
// entry service from the member the group takes it from, else the
// baseline's), and in each member's namespace a NetworkPolicy that opens
// the services the group takes from it to the other members, and lets
// its pods reach theirs: with the group's key, a member's sidecar sends a
// request straight to another member. The routes stack's VirtualServices
// match the key (buildRoutes).
func buildGroup(ctx *pulumi.Context, bp *stacks.Blueprint, env stacks.Env, cluster *eksCluster) (pulumi.Map, error) {
	p, err := newProviders(ctx, bp, cluster)
	if err != nil {
		return nil, err
	}
	e := &envBuild{ctx: ctx, bp: bp, env: env, p: p, ns: bp.AWS.BaselineNamespace}
	if err := e.groupHost(); err != nil {
		return nil, err
	}
	for _, member := range env.Members {
		if err := e.groupPolicy(member); err != nil {
			return nil, err
		}
	}
	return pulumi.Map{"url": pulumi.String("https://" + e.hostname())}, nil
}

// groupHost serves grp-<name>.<domain>, as host does a PR's.
func (e *envBuild) groupHost() error {
	entry := e.bp.EntryService()
	if entry == nil {
		return nil
	}
	ns := e.bp.AWS.BaselineNamespace
	if member, ok := e.env.Choice[entry.Name]; ok {
		ns = member
	}
	http := map[string]any{
		"headers": map[string]any{"request": map[string]any{"set": map[string]any{e.bp.Routing.Header: e.env.Name}}},
		"route":   []any{map[string]any{"destination": map[string]any{"host": entry.Name + "." + ns + ".svc.cluster.local", "port": map[string]any{"number": portOf(*entry)}}}},
	}
	return e.serveHost(GroupPolicy(e.env), http)
}

// groupPolicy opens, in member's namespace, the services the group takes
// from member to the other members' namespaces, and its pods' requests
// to the services the group takes from the others.
func (e *envBuild) groupPolicy(member string) error {
	takes := func(m string) []string {
		var out []string
		for _, svc := range slices.Sorted(maps.Keys(e.env.Choice)) {
			if e.env.Choice[svc] == m {
				out = append(out, svc)
			}
		}
		return out
	}
	own := takes(member)
	if len(own) == 0 { // none of its pods serves the group
		return nil
	}
	var ingress netv1.NetworkPolicyIngressRuleArray
	var egress netv1.NetworkPolicyEgressRuleArray
	for _, other := range e.env.Members {
		if other == member {
			continue
		}
		ingress = append(ingress, netv1.NetworkPolicyIngressRuleArgs{
			From: netv1.NetworkPolicyPeerArray{inNamespace(other)}, Ports: servicePorts(e.bp, own),
		})
		if theirs := takes(other); len(theirs) > 0 {
			egress = append(egress, netv1.NetworkPolicyEgressRuleArgs{
				To:    netv1.NetworkPolicyPeerArray{netv1.NetworkPolicyPeerArgs{NamespaceSelector: nameSelector(other), PodSelector: appIn(theirs)}},
				Ports: servicePorts(e.bp, theirs),
			})
		}
	}
	if len(ingress) == 0 { // a group of one
		return nil
	}
	types := []string{"Ingress"}
	if len(egress) > 0 {
		types = append(types, "Egress")
	}
	meta := e.meta(GroupPolicy(e.env))
	meta.Namespace = pulumi.String(member)
	_, err := netv1.NewNetworkPolicy(e.ctx, "group-"+member, &netv1.NetworkPolicyArgs{Metadata: meta, Spec: netv1.NetworkPolicySpecArgs{
		PodSelector: appIn(own), PolicyTypes: pulumi.ToStringArray(types), Ingress: ingress, Egress: egress,
	}}, e.k8s()...)
	return err
}
