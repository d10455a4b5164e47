package aws

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"time"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/internal/naming"
	"github.com/prenv/prenv/stacks"
)

// RoutesStack is the stack that owns sandbox mode's shared routes. Every
// PR's up and destroy updates it, so its updates queue on its lock.
const RoutesStack = "routes"

// SandboxesConfig is the routes stack's config key (in the project's
// namespace) that records the live sandboxes the routes were built from.
const SandboxesConfig = "sandboxes"

// GroupsConfig is the routes stack's config key that records the PR
// groups: each grp-<name> with its members, in the order the group takes
// services from them.
const GroupsConfig = "groups"

// WithGroups returns the routes environment env with the PR groups the
// routes also follow: a group's key reaches, for each service, the first
// of its members that runs it.
func WithGroups(env stacks.Env, groups map[string][]string) (stacks.Env, error) {
	data, err := json.Marshal(groups)
	if err != nil {
		return env, err
	}
	env.Config = maps.Clone(env.Config)
	env.Config[GroupsConfig] = string(data)
	return env, nil
}

// groupsOf reads the PR groups a routes environment carries.
func groupsOf(env stacks.Env) (map[string][]string, error) {
	groups := map[string][]string{}
	if data := env.Config[GroupsConfig]; data != "" {
		if err := json.Unmarshal([]byte(data), &groups); err != nil {
			return nil, fmt.Errorf("read the routes stack's %s config: %w; run prenv routes again", GroupsConfig, err)
		}
	}
	return groups, nil
}

// RoutesEnv is the routes stack as an environment for the engine: the
// program of Target reads the live sandboxes from its config.
func RoutesEnv(bp *stacks.Blueprint, live map[string][]string, now time.Time) (stacks.Env, error) {
	data, err := json.Marshal(live)
	if err != nil {
		return stacks.Env{}, err
	}
	now = now.UTC().Truncate(time.Second)
	return stacks.Env{
		Names:     naming.Names{Name: RoutesStack, Stack: RoutesStack, Namespace: bp.AWS.BaselineNamespace},
		Project:   bp.Project,
		CreatedAt: now,
		ExpiresAt: now.Add(bp.Policy.MaxTTL.Duration), // never reaped: not a pr-<n> stack
		Config:    map[string]string{SandboxesConfig: string(data)},
	}, nil
}

// liveOf reads the live sandboxes a routes environment carries.
func liveOf(env stacks.Env) (map[string][]string, error) {
	live := map[string][]string{}
	if data := env.Config[SandboxesConfig]; data != "" {
		if err := json.Unmarshal([]byte(data), &live); err != nil {
			return nil, fmt.Errorf("read the routes stack's %s config: %w; run prenv routes again", SandboxesConfig, err)
		}
	}
	return live, nil
}

// RenderRoutes renders the routes stack offline, as Render does an
// environment.
func RenderRoutes(bp *stacks.Blueprint, live map[string][]string) (*Rendering, error) {
	return render(bp, RoutesStack, func(ctx *pulumi.Context) (pulumi.Map, error) { return buildRoutes(ctx, bp, live, nil, nil) })
}

// buildRoutes is the routes stack's program. live maps each live sandbox
// (a pr-<n> environment) to the services it runs itself, as its `services`
// output says. For every service some sandbox runs, a VirtualService on
// the baseline's host sends requests carrying that sandbox's routing key
// (the header, or W3C baggage prenv-route=pr-<n>) to the sandbox, and all
// others to the baseline. groups maps each PR group (grp-<name>) to its
// members: a request with the group's key goes to the first member that
// runs the service.
func buildRoutes(ctx *pulumi.Context, bp *stacks.Blueprint, live, groups map[string][]string, cluster *eksCluster) (pulumi.Map, error) {
	p, err := newProviders(ctx, bp, cluster)
	if err != nil {
		return nil, err
	}
	routed := pulumi.StringArray{}
	for _, s := range bp.Services {
		var sandboxes []string
		for _, env := range slices.Sorted(maps.Keys(live)) {
			if _, ok := naming.PRFromEnv(env); ok && slices.Contains(live[env], s.Name) {
				sandboxes = append(sandboxes, env)
			}
		}
		if len(sandboxes) == 0 {
			continue
		}
		port := map[string]any{"number": portOf(s)}
		var http []any
		in, scaled := httpInterceptorOf(bp)
		keys := map[string]string{} // routing key → the sandbox that serves it
		for _, env := range sandboxes {
			keys[env] = env
		}
		for group, members := range groups {
			if _, ok := naming.GroupFromEnv(group); !ok {
				continue
			}
			if i := slices.IndexFunc(members, func(m string) bool { return slices.Contains(sandboxes, m) }); i >= 0 {
				keys[group] = members[i]
			}
		}
		for _, key := range slices.Sorted(maps.Keys(keys)) {
			env := keys[key]
			route := map[string]any{
				"name": key,
				"match": []any{
					map[string]any{"headers": map[string]any{bp.Routing.Header: map[string]any{"exact": key}}},
					map[string]any{"headers": map[string]any{"baggage": map[string]any{"regex": baggagePattern(key)}}},
				},
				"route": []any{map[string]any{"destination": map[string]any{"host": s.Name + "." + env + ".svc.cluster.local", "port": port}}},
			}
			if scaled { // a sandbox's service may be at zero: the interceptor holds the request
				maps.Copy(route, viaInterceptor(in, s.Name+"."+env+".svc.cluster.local"))
			}
			http = append(http, route)
		}
		host := s.Name + "." + bp.AWS.BaselineNamespace + ".svc.cluster.local"
		http = append(http, map[string]any{
			"name":  "baseline",
			"route": []any{map[string]any{"destination": map[string]any{"host": host, "port": port}}},
		})
		name := "prenv-routes-" + s.Name
		if _, err := apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String(VirtualServiceAPI),
			Kind:       pulumi.String("VirtualService"),
			Metadata: metav1.ObjectMetaArgs{
				Name: pulumi.String(name), Namespace: pulumi.String(bp.AWS.BaselineNamespace),
				Labels: pulumi.StringMap{LabelManagedBy: pulumi.String(ManagedBy), LabelProject: pulumi.String(bp.Project)},
			},
			OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{"hosts": []any{host}, "http": http}},
		}, pulumi.Provider(p.k8s)); err != nil {
			return nil, err
		}
		routed = append(routed, pulumi.String(s.Name))
	}
	return pulumi.Map{"routed": routed}, nil
}

// baggagePattern matches a W3C baggage header that carries
// prenv-route=<env> as one of its members.
func baggagePattern(env string) string {
	return fmt.Sprintf(`^(.*[,;] *)?prenv-route=%s *([,;].*)?$`, regexp.QuoteMeta(env))
}
