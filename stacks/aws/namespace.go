package aws

import (
	"strings"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	netv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DefaultDenyPolicy is the name of the NetworkPolicy that denies all
// traffic in an environment's namespace; AllowPolicy opens what it needs.
const (
	DefaultDenyPolicy = "default-deny"
	AllowPolicy       = "prenv-allow"
)

// namespace creates the environment's namespace with its owner labels,
// expiry and Istio injection, and the NetworkPolicies that deny all but
// the gateway, DNS, istiod, the database and the baseline's services.
func (e *envBuild) namespace() error {
	lbl := labels(e.bp, e.env)
	lbl["istio-injection"] = pulumi.String("enabled")
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
	if _, err := netv1.NewNetworkPolicy(e.ctx, DefaultDenyPolicy, &netv1.NetworkPolicyArgs{
		Metadata: e.meta(DefaultDenyPolicy),
		Spec: netv1.NetworkPolicySpecArgs{
			PodSelector: metav1.LabelSelectorArgs{},
			PolicyTypes: pulumi.ToStringArray([]string{"Ingress", "Egress"}),
		},
	}, e.k8s()...); err != nil {
		return err
	}
	_, err = netv1.NewNetworkPolicy(e.ctx, AllowPolicy, &netv1.NetworkPolicyArgs{
		Metadata: e.meta(AllowPolicy),
		Spec: netv1.NetworkPolicySpecArgs{
			PodSelector: metav1.LabelSelectorArgs{},
			PolicyTypes: pulumi.ToStringArray([]string{"Ingress", "Egress"}),
			Ingress: netv1.NetworkPolicyIngressRuleArray{netv1.NetworkPolicyIngressRuleArgs{
				From: netv1.NetworkPolicyPeerArray{fromNamespace(e.gatewayNamespace()), samePeer()},
			}},
			Egress: e.egress(),
		},
	}, e.k8s()...)
	return err
}

// egress lists where the namespace's pods may connect.
func (e *envBuild) egress() netv1.NetworkPolicyEgressRuleArray {
	rules := netv1.NetworkPolicyEgressRuleArray{
		netv1.NetworkPolicyEgressRuleArgs{ // the namespace itself, the ebs-snapshot database included
			To: netv1.NetworkPolicyPeerArray{samePeer()},
		},
		netv1.NetworkPolicyEgressRuleArgs{ // DNS
			To:    netv1.NetworkPolicyPeerArray{fromNamespace("kube-system")},
			Ports: ports(port{53, "UDP"}, port{53, "TCP"}),
		},
		netv1.NetworkPolicyEgressRuleArgs{ // istiod, for the sidecars' configuration
			To:    netv1.NetworkPolicyPeerArray{fromNamespace("istio-system")},
			Ports: ports(port{15012, "TCP"}),
		},
	}
	if e.bp.HasDatabase() && e.bp.Database.Source != "ebs-snapshot" && e.bp.AWS.ClusterCIDR != "" {
		rules = append(rules, netv1.NetworkPolicyEgressRuleArgs{ // the RDS or Aurora database
			To:    netv1.NetworkPolicyPeerArray{netv1.NetworkPolicyPeerArgs{IpBlock: netv1.IPBlockArgs{Cidr: pulumi.String(e.bp.AWS.ClusterCIDR)}}},
			Ports: ports(port{5432, "TCP"}),
		})
	}
	if borrowed := e.borrowed(); len(borrowed) > 0 && e.ns != e.bp.AWS.BaselineNamespace {
		rules = append(rules, netv1.NetworkPolicyEgressRuleArgs{ // the baseline's shared or unchanged services
			To: netv1.NetworkPolicyPeerArray{netv1.NetworkPolicyPeerArgs{
				NamespaceSelector: metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"kubernetes.io/metadata.name": pulumi.String(e.bp.AWS.BaselineNamespace)}},
				PodSelector: metav1.LabelSelectorArgs{MatchExpressions: metav1.LabelSelectorRequirementArray{metav1.LabelSelectorRequirementArgs{
					Key: pulumi.String("app"), Operator: pulumi.String("In"), Values: pulumi.ToStringArray(borrowed),
				}}},
			}},
		})
	}
	return rules
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

func fromNamespace(name string) netv1.NetworkPolicyPeerArgs {
	return netv1.NetworkPolicyPeerArgs{NamespaceSelector: metav1.LabelSelectorArgs{
		MatchLabels: pulumi.StringMap{"kubernetes.io/metadata.name": pulumi.String(name)},
	}}
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
