package aws_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/aws"
)

const (
	authorizationPolicy   = "kubernetes:security.istio.io/v1:AuthorizationPolicy"
	requestAuthentication = "kubernetes:security.istio.io/v1:RequestAuthentication"
)

// isAccess reports whether typ is one of access: oidc's objects, which live
// in the gateway's namespace rather than the environment's.
func isAccess(typ string) bool { return typ == authorizationPolicy || typ == requestAuthentication }

// TestAccessObjects renders examples/aws (access: oidc) and checks the
// two objects that protect pr-7's host on the shared gateway.
func TestAccessObjects(t *testing.T) {
	t.Parallel()
	r, _ := render(t, "rds-snapshot", "isolated")
	aps, ras := r.Find(authorizationPolicy), r.Find(requestAuthentication)
	if len(aps) != 1 || len(ras) != 1 {
		t.Fatalf("%d AuthorizationPolicies and %d RequestAuthentications, want 1 each", len(aps), len(ras))
	}
	for _, res := range []aws.Resource{aps[0], ras[0]} {
		meta := res.Inputs["metadata"].(map[string]any)
		if meta["namespace"] != "istio-system" || meta["name"] != "prenv-pr-7" {
			t.Errorf("%s is %s/%s, want istio-system/prenv-pr-7 (the gateway's namespace)", res.Type, meta["namespace"], meta["name"])
		}
		if lbl := meta["labels"].(map[string]any); lbl[aws.LabelPR] != "7" || lbl[aws.LabelProject] != "shop" {
			t.Errorf("%s labels %v, want the environment's owner labels", res.Type, lbl)
		}
		sel := res.Inputs["spec"].(map[string]any)["selector"].(map[string]any)["matchLabels"]
		if !reflect.DeepEqual(sel, map[string]any{"istio": "ingressgateway"}) {
			t.Errorf("%s selects %v, want the gateway's pods", res.Type, sel)
		}
	}
	ap := aps[0].Inputs["spec"].(map[string]any)
	if ap["action"] != "CUSTOM" || ap["provider"].(map[string]any)["name"] != "oauth2-proxy" {
		t.Errorf("AuthorizationPolicy %v, want action CUSTOM with provider oauth2-proxy", ap)
	}
	rule := ap["rules"].([]any)[0].(map[string]any)
	hosts := rule["to"].([]any)[0].(map[string]any)["operation"].(map[string]any)["hosts"]
	if want := []any{"pr-7.preview.example.com", "pr-7.preview.example.com:*"}; !reflect.DeepEqual(hosts, want) {
		t.Errorf("AuthorizationPolicy hosts %v, want %v", hosts, want)
	}
	if src := rule["from"].([]any)[0].(map[string]any)["source"]; !reflect.DeepEqual(src, map[string]any{"notRequestPrincipals": []any{"*"}}) {
		t.Errorf("AuthorizationPolicy source %v, want requests without a valid bearer token", src)
	}
	jwt := ras[0].Inputs["spec"].(map[string]any)["jwtRules"].([]any)[0].(map[string]any)
	if jwt["issuer"] != "https://token.actions.githubusercontent.com" || !reflect.DeepEqual(jwt["audiences"], []any{"preview.example.com"}) {
		t.Errorf("RequestAuthentication rule %v, want the blueprint's issuer and audiences", jwt)
	}
	if _, ok := jwt["jwksUri"]; ok {
		t.Errorf("RequestAuthentication rule %v has jwksUri, which the blueprint does not set", jwt)
	}
}

// TestAccessLeavesRoutingUnchanged renders the same PR public and
// protected: the host's VirtualService, Route53 record and network
// policies are the same, and a public host gets no access objects.
func TestAccessLeavesRoutingUnchanged(t *testing.T) {
	t.Parallel()
	protected := example(t, "rds-snapshot", "sandbox")
	public := example(t, "rds-snapshot", "sandbox")
	public.Access = stacks.Access{Mode: stacks.AccessPublic}
	rp, err := aws.Render(protected, prEnv(t, protected, 7), changedWeb)
	if err != nil {
		t.Fatal(err)
	}
	ru, err := aws.Render(public, prEnv(t, public, 7), changedWeb)
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"kubernetes:networking.istio.io/v1:VirtualService", "aws:route53/record:Record", "kubernetes:networking.k8s.io/v1:NetworkPolicy"} {
		got, want := ru.Find(typ), rp.Find(typ)
		// The program registers resources concurrently: compare them in URN order.
		for _, rs := range [][]aws.Resource{got, want} {
			slices.SortFunc(rs, func(a, b aws.Resource) int { return strings.Compare(a.URN, b.URN) })
		}
		if len(want) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: public %v, protected %v; want the same, and some", typ, got, want)
		}
	}
	if n := len(ru.Find(authorizationPolicy)) + len(ru.Find(requestAuthentication)); n != 0 {
		t.Errorf("a public host has %d access objects, want none", n)
	}
}

// TestAccessPolicy: the policy refuses a public host unless the blueprint
// says policy.allow-public, and accepts a protected one.
func TestAccessPolicy(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name        string
		mode        stacks.AccessMode
		allowPublic bool
		want        []string
	}{
		{"protected", stacks.AccessOIDC, false, nil},
		{"public refused", stacks.AccessPublic, false, []string{"public-host"}},
		{"public allowed", stacks.AccessPublic, true, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			bp := example(t, "rds-snapshot", "isolated")
			bp.Access.Mode, bp.Policy.AllowPublic = c.mode, c.allowPublic
			r, err := aws.Render(bp, prEnv(t, bp, 7), changedWeb)
			if err != nil {
				t.Fatal(err)
			}
			vs, err := r.Violations(t.Context(), bp)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range vs {
				got = append(got, v.Rule)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("violations %v, want rules %v", vs, c.want)
			}
		})
	}
}
