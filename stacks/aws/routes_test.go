package aws_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/stacks/aws"
)

// live is three sandboxes and names that are not sandboxes.
var live = map[string][]string{
	"pr-9":     {"web", "orders"},
	"pr-7":     {"web"},
	"baseline": {"web", "orders", "users"},
	"pr-007":   {"users"},
}

func TestRoutesStack(t *testing.T) {
	t.Parallel()
	bp := example(t, "rds-snapshot", "sandbox")
	env, err := aws.RoutesEnv(bp, live, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// The engine's path: the target's program for the routes environment.
	r, err := aws.Render(bp, env, aws.Target{})
	if err != nil {
		t.Fatal(err)
	}
	vs := r.Find("kubernetes:networking.istio.io/v1:VirtualService")
	if got := names(vs); !slices.Equal(got, []string{"prenv-routes-orders", "prenv-routes-web"}) {
		t.Fatalf("routes %v, want one VirtualService per service a sandbox runs", got)
	}
	for _, v := range vs {
		meta := v.Inputs["metadata"].(map[string]any)
		if meta["namespace"] != "baseline" {
			t.Errorf("%s in %v, want the baseline namespace", v.Name, meta["namespace"])
		}
	}
	web := vs[slices.IndexFunc(vs, func(r aws.Resource) bool { return r.Name == "prenv-routes-web" })].Inputs["spec"].(map[string]any)
	if hosts := web["hosts"].([]any); len(hosts) != 1 || hosts[0] != "web.baseline.svc.cluster.local" {
		t.Errorf("web route hosts %v, want the baseline's web", hosts)
	}
	var order, dests []string
	for _, h := range web["http"].([]any) {
		h := h.(map[string]any)
		order = append(order, h["name"].(string))
		dests = append(dests, h["route"].([]any)[0].(map[string]any)["destination"].(map[string]any)["host"].(string))
	}
	if !slices.Equal(order, []string{"pr-7", "pr-9", "baseline"}) {
		t.Errorf("web routes %v, want each sandbox's match, then the baseline as the default", order)
	}
	if dests[0] != "web.pr-7.svc.cluster.local" || dests[2] != "web.baseline.svc.cluster.local" {
		t.Errorf("web destinations %v", dests)
	}
	first := web["http"].([]any)[0].(map[string]any)["match"].([]any)
	if h := first[0].(map[string]any)["headers"].(map[string]any)["x-prenv-route"].(map[string]any)["exact"]; h != "pr-7" {
		t.Errorf("pr-7 header match %v, want x-prenv-route exact pr-7", h)
	}
	re := regexp.MustCompile(first[1].(map[string]any)["headers"].(map[string]any)["baggage"].(map[string]any)["regex"].(string))
	for baggage, want := range map[string]bool{
		"prenv-route=pr-7": true, "a=b, prenv-route=pr-7;p=1": true, "prenv-route=pr-70": false, "xprenv-route=pr-7": false,
	} {
		if re.MatchString(baggage) != want {
			t.Errorf("baggage %q matched %v, want %v", baggage, !want, want)
		}
	}
	if got, _ := r.Outputs["routed"].([]string); !slices.Equal(got, []string{"web", "orders"}) {
		t.Errorf("routed output %v, want orders and web", got)
	}
}

func TestRoutesEnvIsNeverReaped(t *testing.T) {
	t.Parallel()
	bp := example(t, "rds-snapshot", "sandbox")
	env, err := aws.RoutesEnv(bp, map[string][]string{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if env.Stack != aws.RoutesStack || env.PR != 0 || env.Config[aws.SandboxesConfig] != "{}" {
		t.Errorf("routes env %+v", env)
	}
	r, err := aws.Render(bp, env, aws.Target{})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(r.Find("kubernetes:networking.istio.io/v1:VirtualService")); got != 0 {
		t.Errorf("%d routes with no sandbox, want none", got)
	}
	env.Config[aws.SandboxesConfig] = "not json"
	if _, err := aws.Render(bp, env, aws.Target{}); err == nil || !strings.Contains(err.Error(), "run prenv routes again") {
		t.Errorf("Render with broken config: %v, want the fix named", err)
	}
}
