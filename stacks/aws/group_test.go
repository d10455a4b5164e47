package aws_test

import (
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/aws"
)

// groupLive is pr-7 changing web, pr-8 changing orders and pr-9, outside
// the group, changing orders too.
var groupLive = map[string][]string{"pr-7": {"web"}, "pr-8": {"orders"}, "pr-9": {"orders"}}

// groupEnv is grp-checkout of pr-7 and pr-8, as the session plans it.
func groupEnv(t *testing.T, bp *stacks.Blueprint) stacks.Env {
	t.Helper()
	env, err := stacks.NewEnv(bp, stacks.EnvOptions{Name: "grp-checkout", Repo: "acme/shop", Now: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	env.Members, env.Choice = []string{"pr-7", "pr-8"}, map[string]string{"web": "pr-7", "orders": "pr-8"}
	return env
}

// groupRoutes renders the routes stack with grp-checkout.
func groupRoutes(t *testing.T, bp *stacks.Blueprint) *aws.Rendering {
	t.Helper()
	env, err := aws.RoutesEnv(bp, groupLive, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if env, err = aws.WithGroups(env, map[string][]string{"grp-checkout": {"pr-7", "pr-8"}}); err != nil {
		t.Fatal(err)
	}
	r, err := aws.Render(bp, env, aws.Target{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestGroupRoutes: the routes stack's VirtualServices match a group's key,
// as header or baggage, and send each service to the member that runs it.
func TestGroupRoutes(t *testing.T) {
	t.Parallel()
	r := groupRoutes(t, example(t, "rds-snapshot", "sandbox"))
	dest := map[string]map[string]string{} // service → route name → destination host
	for _, v := range r.Find("kubernetes:networking.istio.io/v1:VirtualService") {
		svc := v.Name[len("prenv-routes-"):]
		dest[svc] = map[string]string{}
		for _, h := range v.Inputs["spec"].(map[string]any)["http"].([]any) {
			h := h.(map[string]any)
			dest[svc][h["name"].(string)] = h["route"].([]any)[0].(map[string]any)["destination"].(map[string]any)["host"].(string)
			if h["name"] != "grp-checkout" {
				continue
			}
			match := h["match"].([]any)
			if got := match[0].(map[string]any)["headers"].(map[string]any)["x-prenv-route"].(map[string]any)["exact"]; got != "grp-checkout" {
				t.Errorf("%s: the group's header match is %v", svc, got)
			}
			re := regexp.MustCompile(match[1].(map[string]any)["headers"].(map[string]any)["baggage"].(map[string]any)["regex"].(string))
			if !re.MatchString("a=b,prenv-route=grp-checkout") || re.MatchString("prenv-route=grp-checkout2") {
				t.Errorf("%s: the group's baggage pattern %s", svc, re)
			}
		}
	}
	want := map[string]map[string]string{
		"web": {"grp-checkout": "web.pr-7.svc.cluster.local", "pr-7": "web.pr-7.svc.cluster.local", "baseline": "web.baseline.svc.cluster.local"},
		"orders": {"grp-checkout": "orders.pr-8.svc.cluster.local", "pr-8": "orders.pr-8.svc.cluster.local",
			"pr-9": "orders.pr-9.svc.cluster.local", "baseline": "orders.baseline.svc.cluster.local"},
	}
	for svc, routes := range want {
		for name, host := range routes {
			if dest[svc][name] != host {
				t.Errorf("%s's route %s goes to %q, want %q (all: %v)", svc, name, dest[svc][name], host, dest[svc])
			}
		}
		if len(dest[svc]) != len(routes) {
			t.Errorf("%s has routes %v, want %v", svc, dest[svc], routes)
		}
	}
}

// TestGroupStack: a group's own stack is its host on the gateway and, in
// each member's namespace, the policy that lets the members reach the
// services the group takes from each other; nothing else.
func TestGroupStack(t *testing.T) {
	t.Parallel()
	bp := example(t, "rds-snapshot", "sandbox")
	r, err := aws.Render(bp, groupEnv(t, bp), aws.Target{})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, res := range r.Resources {
		if res.Type != "pulumi:providers:kubernetes" && res.Type != "pulumi:providers:aws" {
			kinds = append(kinds, res.Type+" "+res.Name)
		}
	}
	slices.Sort(kinds)
	if want := []string{
		"aws:route53/record:Record host",
		"kubernetes:networking.istio.io/v1:VirtualService host",
		"kubernetes:networking.k8s.io/v1:NetworkPolicy group-pr-7",
		"kubernetes:networking.k8s.io/v1:NetworkPolicy group-pr-8",
	}; !slices.Equal(kinds, want) {
		t.Errorf("the group's stack holds %v, want %v", kinds, want)
	}
	host := r.Find("kubernetes:networking.istio.io/v1:VirtualService")[0].Inputs["spec"].(map[string]any)
	if got := host["hosts"].([]any)[0]; got != "grp-checkout.preview.example.com" {
		t.Errorf("the group's host is %v", got)
	}
	http := host["http"].([]any)[0].(map[string]any)
	if got := http["headers"].(map[string]any)["request"].(map[string]any)["set"].(map[string]any)["x-prenv-route"]; got != "grp-checkout" {
		t.Errorf("the group's host sets the key %v, want grp-checkout", got)
	}
	if got := http["route"].([]any)[0].(map[string]any)["destination"].(map[string]any)["host"]; got != "web.pr-7.svc.cluster.local" {
		t.Errorf("the group's host reaches %v, want pr-7's web", got)
	}
	if got := r.Outputs["url"]; got != "https://grp-checkout.preview.example.com" {
		t.Errorf("url output %v", got)
	}
}

// TestGroupConnectivity computes with np-guard's netpol-analyzer what the
// group's policies open: pr-7's web reaches pr-8's orders (a request with
// the group's key goes straight there), and nothing else between PRs.
func TestGroupConnectivity(t *testing.T) {
	t.Parallel()
	bp := example(t, "rds-snapshot", "sandbox")
	changedOrders := changedWeb
	changedOrders.Changed = []string{"examples/app/orders/orders.go"}
	baseline, err := stacks.NewEnv(bp, stacks.EnvOptions{Name: stacks.BaselineName, Repo: "acme/shop", SHA: "beef"})
	if err != nil {
		t.Fatal(err)
	}
	world := func(withGroup bool) *world {
		w := &world{}
		for _, c := range []struct {
			env    stacks.Env
			target aws.Target
		}{{baseline, changedWeb}, {prEnv(t, bp, 7), changedWeb}, {prEnv(t, bp, 8), changedOrders}, {prEnv(t, bp, 9), changedOrders}} {
			r, err := aws.Render(bp, c.env, c.target)
			if err != nil {
				t.Fatal(err)
			}
			w.add(t, r)
		}
		if withGroup {
			r, err := aws.Render(bp, groupEnv(t, bp), aws.Target{})
			if err != nil {
				t.Fatal(err)
			}
			w.add(t, r)
		}
		w.namespace("istio-system", nil)
		w.pod("istio-system", "gateway", map[string]string{"app": "istio-ingressgateway", "istio": "preview"})
		return w
	}
	grouped, alone := world(true).engine(t), world(false).engine(t)
	for _, c := range []struct {
		src, dst, port string
		want, before   bool
	}{
		{"pr-7/web", "pr-8/orders", "8080", true, false},         // the group's key: web → the member's orders
		{"pr-8/orders", "pr-7/web", "8080", true, false},         // members reach the services the group takes from each other
		{"pr-7/web", "pr-8/orders", "5432", false, false},        // on the services' ports only
		{"pr-7/web", "pr-9/orders", "8080", false, false},        // pr-9 is no member
		{"pr-9/orders", "pr-7/web", "8080", false, false},        // nor reaches one
		{"pr-7/web", "baseline/orders", "8080", true, true},      // the baseline, as before
		{"baseline/web", "pr-8/orders", "8080", true, true},      // the routes stack's requests, as before
		{"istio-system/gateway", "pr-7/web", "8080", true, true}, // the group's host
	} {
		for _, side := range []struct {
			name string
			pe   interface {
				CheckIfAllowed(src, dst, protocol, port string) (bool, error)
			}
			want bool
		}{{"with the group", grouped, c.want}, {"without it", alone, c.before}} {
			got, err := side.pe.CheckIfAllowed(c.src, c.dst, "TCP", c.port)
			if err != nil {
				t.Errorf("%s -> %s: %v", c.src, c.dst, err)
			} else if got != side.want {
				t.Errorf("%s: %s -> %s TCP/%s allowed = %v, want %v", side.name, c.src, c.dst, c.port, got, side.want)
			}
		}
	}
}

// TestGroupObjectsAcceptedByAPIServer applies the group's objects and the
// routes stack that carries it to a real kube-apiserver with Istio's CRDs,
// with server-side dry-run and strict field validation.
func TestGroupObjectsAcceptedByAPIServer(t *testing.T) {
	t.Parallel()
	kube := testenv.KubeAPIServer(t)
	kube.ApplyCRDs(t, testenv.CRDs(t))
	bp := example(t, "rds-snapshot", "sandbox")
	for _, ns := range []string{"baseline", "pr-7", "pr-8"} {
		if err := kube.Apply(t.Context(), map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}, false); err != nil {
			t.Fatal(err)
		}
	}
	group, err := aws.Render(bp, groupEnv(t, bp), aws.Target{})
	if err != nil {
		t.Fatal(err)
	}
	objs := append(group.Manifests(), groupRoutes(t, bp).Manifests()...)
	if len(objs) != 5 { // the host, two policies, web's and orders' routes
		t.Errorf("%d objects, want 5", len(objs))
	}
	for _, obj := range objs {
		if err := kube.Apply(t.Context(), obj, true); err != nil {
			t.Errorf("the API server refused %v", err)
		}
	}
}
