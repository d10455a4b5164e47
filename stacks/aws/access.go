package aws

import (
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// SecurityAPI is the Istio API version of the access objects: the version
// the security CRDs store.
const SecurityAPI = "security.istio.io/v1"

// accessName names an environment's access objects in the gateway's
// namespace, which every environment shares: unique per namespace.
func (e *envBuild) accessName() string { return "prenv-" + e.ns }

// access protects the host with access: oidc: an AuthorizationPolicy with
// action CUSTOM sends the host's requests without a valid bearer token to
// the mesh's external authorizer, and a RequestAuthentication validates
// bearer tokens of access.issuer. Both select the gateway's pods in its
// namespace and belong to the stack, which deletes them with the rest.
func (e *envBuild) access() error {
	a := e.bp.Access
	if !a.Protected() || e.bp.EntryService() == nil {
		return nil
	}
	selector := map[string]any{}
	for k, v := range a.GatewaySelector {
		selector[k] = v
	}
	rule := map[string]any{"issuer": a.Issuer, "forwardOriginalToken": true}
	if a.JWKSURI != "" {
		rule["jwksUri"] = a.JWKSURI
	}
	if len(a.Audiences) > 0 {
		rule["audiences"] = toAny(a.Audiences)
	}
	if _, err := apiextensions.NewCustomResource(e.ctx, "access-token", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(SecurityAPI),
		Kind:       pulumi.String("RequestAuthentication"),
		Metadata:   e.gatewayMeta(),
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"selector": map[string]any{"matchLabels": selector},
			"jwtRules": []any{rule},
		}},
	}, e.k8s()...); err != nil {
		return err
	}
	_, err := apiextensions.NewCustomResource(e.ctx, "access", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(SecurityAPI),
		Kind:       pulumi.String("AuthorizationPolicy"),
		Metadata:   e.gatewayMeta(),
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"selector": map[string]any{"matchLabels": selector},
			"action":   "CUSTOM",
			"provider": map[string]any{"name": a.Provider},
			"rules": []any{map[string]any{
				"from": []any{map[string]any{"source": map[string]any{"notRequestPrincipals": []any{"*"}}}},
				"to":   []any{map[string]any{"operation": map[string]any{"hosts": []any{e.hostname(), e.hostname() + ":*"}}}},
			}},
		}},
	}, e.k8s()...)
	return err
}

// gatewayMeta is the metadata of an access object: the environment's
// labels, in the gateway's namespace.
func (e *envBuild) gatewayMeta() metav1.ObjectMetaArgs {
	m := e.meta(e.accessName())
	m.Namespace = pulumi.String(e.gatewayNamespace())
	return m
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
