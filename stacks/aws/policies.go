package aws

import (
	"slices"
	"strings"

	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	netv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/stacks"
)

// Names of the NetworkPolicies in an environment's namespace:
// DefaultDenyPolicy denies all traffic, AllowPolicy opens what the
// environment needs, and in the baseline EnvironmentsPolicy admits the
// project's PR environments to the services they borrow.
const (
	DefaultDenyPolicy  = "default-deny"
	AllowPolicy        = "prenv-allow"
	EnvironmentsPolicy = "prenv-allow-environments"
)

// Ports the policies open beside the services' own.
const (
	dnsPort      = 53
	istiodPort   = 15012 // istiod's XDS and CA, for the sidecars
	databasePort = 5432
)

// policies creates the namespace's NetworkPolicies. A PR environment
// admits the gateway, itself, the baseline in sandbox mode (the routes
// stack sends the baseline's requests to it) and the HTTP interceptor, and
// reaches itself, DNS, istiod, the database CIDRs, the services it borrows
// from the baseline and the interceptor; never another PR's namespace.
func (e *envBuild) policies() error {
	if _, err := netv1.NewNetworkPolicy(e.ctx, DefaultDenyPolicy, &netv1.NetworkPolicyArgs{
		Metadata: e.meta(DefaultDenyPolicy),
		Spec: netv1.NetworkPolicySpecArgs{
			PodSelector: metav1.LabelSelectorArgs{},
			PolicyTypes: pulumi.ToStringArray([]string{"Ingress", "Egress"}),
		},
	}, e.k8s()...); err != nil {
		return err
	}
	if _, err := netv1.NewNetworkPolicy(e.ctx, AllowPolicy, &netv1.NetworkPolicyArgs{
		Metadata: e.meta(AllowPolicy),
		Spec: netv1.NetworkPolicySpecArgs{
			PodSelector: metav1.LabelSelectorArgs{},
			PolicyTypes: pulumi.ToStringArray([]string{"Ingress", "Egress"}),
			Ingress:     e.ingress(),
			Egress:      e.egress(),
		},
	}, e.k8s()...); err != nil {
		return err
	}
	lent := e.lent()
	if len(lent) == 0 {
		return nil
	}
	_, err := netv1.NewNetworkPolicy(e.ctx, EnvironmentsPolicy, &netv1.NetworkPolicyArgs{
		Metadata: e.meta(EnvironmentsPolicy),
		Spec: netv1.NetworkPolicySpecArgs{
			PodSelector: appIn(lent),
			PolicyTypes: pulumi.ToStringArray([]string{"Ingress"}),
			Ingress: netv1.NetworkPolicyIngressRuleArray{netv1.NetworkPolicyIngressRuleArgs{
				From:  netv1.NetworkPolicyPeerArray{e.projectNamespaces()},
				Ports: servicePorts(e.bp, lent),
			}},
		},
	}, e.k8s()...)
	return err
}

// ingress lists who may connect to the namespace's pods.
func (e *envBuild) ingress() netv1.NetworkPolicyIngressRuleArray {
	rules := netv1.NetworkPolicyIngressRuleArray{netv1.NetworkPolicyIngressRuleArgs{
		From: netv1.NetworkPolicyPeerArray{inNamespace(e.gatewayNamespace()), samePeer()},
	}}
	if e.isBaseline() {
		return rules
	}
	running := e.runningNames()
	if len(running) == 0 {
		return rules
	}
	if e.bp.Routing.Mode == stacks.RoutingSandbox { // the routes stack's baseline → pr-<n> requests
		rules = append(rules, netv1.NetworkPolicyIngressRuleArgs{
			From:  netv1.NetworkPolicyPeerArray{inNamespace(e.bp.AWS.BaselineNamespace)},
			Ports: servicePorts(e.bp, running),
		})
	}
	if in, ok := httpInterceptorOf(e.bp); ok {
		rules = append(rules, netv1.NetworkPolicyIngressRuleArgs{
			From:  netv1.NetworkPolicyPeerArray{inNamespace(in.namespace)},
			Ports: servicePorts(e.bp, running),
		})
	}
	return rules
}

// egress lists where the namespace's pods may connect.
func (e *envBuild) egress() netv1.NetworkPolicyEgressRuleArray {
	rules := netv1.NetworkPolicyEgressRuleArray{
		netv1.NetworkPolicyEgressRuleArgs{ // the namespace itself, the ebs-snapshot database included
			To: netv1.NetworkPolicyPeerArray{samePeer()},
		},
		netv1.NetworkPolicyEgressRuleArgs{
			To:    netv1.NetworkPolicyPeerArray{inNamespace("kube-system")},
			Ports: ports(port{dnsPort, "UDP"}, port{dnsPort, "TCP"}),
		},
		netv1.NetworkPolicyEgressRuleArgs{
			To: netv1.NetworkPolicyPeerArray{netv1.NetworkPolicyPeerArgs{
				NamespaceSelector: nameSelector("istio-system"),
				PodSelector:       metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"app": pulumi.String("istiod")}},
			}},
			Ports: ports(port{istiodPort, "TCP"}),
		},
	}
	if e.reachesDatabaseCIDRs() {
		var to netv1.NetworkPolicyPeerArray
		for _, cidr := range e.bp.AWS.DatabaseCIDRs {
			to = append(to, netv1.NetworkPolicyPeerArgs{IpBlock: netv1.IPBlockArgs{Cidr: pulumi.String(cidr)}})
		}
		rules = append(rules, netv1.NetworkPolicyEgressRuleArgs{To: to, Ports: ports(port{databasePort, "TCP"})})
	}
	if borrowed := e.borrowed(); len(borrowed) > 0 && !e.isBaseline() {
		rules = append(rules, netv1.NetworkPolicyEgressRuleArgs{ // the baseline's shared or unchanged services
			To: netv1.NetworkPolicyPeerArray{netv1.NetworkPolicyPeerArgs{
				NamespaceSelector: nameSelector(e.bp.AWS.BaselineNamespace),
				PodSelector:       appIn(borrowed),
			}},
			Ports: servicePorts(e.bp, borrowed),
		})
	}
	if e.isBaseline() && e.bp.Routing.Mode == stacks.RoutingSandbox && len(e.bp.Services) > 0 {
		all := serviceNames(e.bp.Services)
		rules = append(rules, netv1.NetworkPolicyEgressRuleArgs{ // the routes stack's requests to the sandboxes
			To: netv1.NetworkPolicyPeerArray{netv1.NetworkPolicyPeerArgs{
				NamespaceSelector: e.projectNamespaces().NamespaceSelector,
				PodSelector:       appIn(all),
			}},
			Ports: servicePorts(e.bp, all),
		})
	}
	if in, ok := httpInterceptorOf(e.bp); ok {
		rules = append(rules, netv1.NetworkPolicyEgressRuleArgs{
			To:    netv1.NetworkPolicyPeerArray{inNamespace(in.namespace)},
			Ports: ports(port{in.port, "TCP"}),
		})
	}
	return rules
}

// reachesDatabaseCIDRs reports whether the database is outside the
// cluster, in aws.database-cidrs (every source but ebs-snapshot).
func (e *envBuild) reachesDatabaseCIDRs() bool {
	return e.bp.HasDatabase() && e.bp.Database.Source != "ebs-snapshot" && len(e.bp.AWS.DatabaseCIDRs) > 0
}

// lent lists the baseline's services that PR environments borrow: the
// shared ones, and in sandbox mode every one. Empty outside the baseline.
func (e *envBuild) lent() []string {
	if !e.isBaseline() {
		return nil
	}
	var out []string
	for _, s := range e.bp.Services {
		if s.Shared || e.bp.Routing.Mode == stacks.RoutingSandbox {
			out = append(out, s.Name)
		}
	}
	return out
}

func (e *envBuild) isBaseline() bool { return e.env.Name == stacks.BaselineName }

// runningNames lists the services env runs itself.
func (e *envBuild) runningNames() []string { return serviceNames(e.t.running(e.bp, e.env)) }

// projectNamespaces selects the namespaces of the project's environments.
func (e *envBuild) projectNamespaces() netv1.NetworkPolicyPeerArgs {
	return netv1.NetworkPolicyPeerArgs{NamespaceSelector: metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{
		LabelManagedBy: pulumi.String(ManagedBy),
		LabelProject:   pulumi.String(e.bp.Project),
	}}}
}

func serviceNames(services []stacks.Service) []string {
	out := make([]string, len(services))
	for i, s := range services {
		out[i] = s.Name
	}
	return out
}

// servicePorts opens the container ports of the named services, in the
// order of their names.
func servicePorts(bp *stacks.Blueprint, names []string) netv1.NetworkPolicyPortArray {
	var ps []port
	services := slices.Clone(bp.Services)
	slices.SortFunc(services, func(a, b stacks.Service) int { return strings.Compare(a.Name, b.Name) })
	for _, s := range services {
		p := port{portOf(s), "TCP"}
		if slices.Contains(names, s.Name) && !slices.Contains(ps, p) {
			ps = append(ps, p)
		}
	}
	return ports(ps...)
}

// appIn selects the pods of the named services (in name order).
func appIn(names []string) metav1.LabelSelectorArgs {
	return metav1.LabelSelectorArgs{MatchExpressions: metav1.LabelSelectorRequirementArray{metav1.LabelSelectorRequirementArgs{
		Key: pulumi.String("app"), Operator: pulumi.String("In"), Values: pulumi.ToStringArray(slices.Sorted(slices.Values(names))),
	}}}
}

func nameSelector(namespace string) metav1.LabelSelectorArgs {
	return metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"kubernetes.io/metadata.name": pulumi.String(namespace)}}
}

func inNamespace(name string) netv1.NetworkPolicyPeerArgs {
	return netv1.NetworkPolicyPeerArgs{NamespaceSelector: nameSelector(name)}
}

func samePeer() netv1.NetworkPolicyPeerArgs {
	return netv1.NetworkPolicyPeerArgs{PodSelector: metav1.LabelSelectorArgs{}}
}

// port is one port a NetworkPolicy rule opens.
type port struct {
	number   int
	protocol string
}

func ports(ps ...port) netv1.NetworkPolicyPortArray {
	out := make(netv1.NetworkPolicyPortArray, len(ps))
	for i, p := range ps {
		out[i] = netv1.NetworkPolicyPortArgs{Port: pulumi.Int(p.number), Protocol: pulumi.String(p.protocol)}
	}
	return out
}
