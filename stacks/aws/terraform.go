package aws

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/prenv/prenv/stacks"
)

// TerraformEnv implements stacks.TerraformInputs: the salt and the shared
// instance's password reach modules/aws as TF_VAR_ variables of the
// process, never through a variables file or an argv.
func (t Target) TerraformEnv() map[string]string {
	env := map[string]string{}
	if t.Salt != "" {
		env["TF_VAR_anonymize_salt"] = t.Salt
	}
	if t.SharedInstancePassword != "" {
		env["TF_VAR_shared_instance_password"] = t.SharedInstancePassword
	}
	return env
}

// TerraformVars implements stacks.TerraformInputs: env as modules/aws
// needs it, computed by the same code as the Pulumi program (which
// services run, their environment, what is borrowed, names, the Job's
// command), so the two engines build the same objects; a test compares
// them field by field.
func (t Target) TerraformVars(ctx context.Context, bp *stacks.Blueprint, env stacks.Env) (map[string]any, error) {
	e := &envBuild{bp: bp, env: env, t: t, ns: namespaceOf(bp, env)}
	a := bp.AWS
	services := map[string]any{}
	for _, s := range t.running(bp, env) {
		services[s.Name] = map[string]any{
			"image": s.Image + ":" + env.SHA, "port": portOf(s), "health": s.Health, "env": envList(e.serviceEnvMap(s)),
		}
	}
	ports := func(names []string) map[string]any {
		out := map[string]any{}
		for _, s := range bp.Services {
			if slices.Contains(names, s.Name) {
				out[s.Name] = portOf(s)
			}
		}
		return out
	}
	var shared []string
	if bp.Routing.Mode != stacks.RoutingSandbox && !e.isBaseline() {
		for _, s := range bp.Services {
			if s.Shared {
				shared = append(shared, s.Name)
			}
		}
	}
	var entry any
	if s := bp.EntryService(); s != nil {
		entry = map[string]any{"name": s.Name, "port": portOf(*s), "runs_own": bp.RunsOwn(*s, env, t.Changed)}
	}
	var interceptor any
	if in, ok := httpInterceptorOf(bp); ok {
		interceptor = map[string]any{"namespace": in.namespace, "service": in.service, "port": in.port}
	}
	vars := map[string]any{
		"project": bp.Project, "repo": env.Repo, "owner": labelValue(env.Owner), "region": a.Region,
		"namespace": e.ns, "baseline": e.isBaseline(), "baseline_namespace": a.BaselineNamespace,
		"routing_mode": string(bp.Routing.Mode), "routing_header": bp.Routing.Header,
		"gateway": a.Gateway, "domain": bp.DNS.Domain, "zone_id": a.HostedZoneID, "gateway_hostname": a.GatewayHostname,
		"injection": e.injection(), "services": services, "entry": entry,
		"borrowed": ports(e.borrowed()), "shared": ports(shared), "lent": ports(e.lent()), "all_services": ports(serviceNames(bp.Services)),
		"scales": e.scales(), "interceptor": interceptor, "prometheus": a.Prometheus,
		"requests": map[string]any{"cpu": a.Requests.CPU, "memory": a.Requests.Memory},
		"limits":   map[string]any{"cpu": a.Limits.CPU, "memory": a.Limits.Memory},
		"database": e.terraformDatabase(), "access": terraformAccess(bp),
	}
	switch {
	case t.cluster != nil: // aws.cluster: the kubeconfig prenv builds, its user running prenv eks-token
		path, err := t.cluster.kubeconfigFile(ctx)
		if err != nil {
			return nil, err
		}
		vars["kubeconfig"] = path
	case a.Kubeconfig != "":
		vars["kubeconfig"] = bp.Resolve(a.Kubeconfig)
	}
	if a.Context != "" {
		vars["kube_context"] = a.Context
	}
	return vars, nil
}

// terraformDatabase is modules/aws's database variable: nil without one.
func (e *envBuild) terraformDatabase() any {
	if !e.bp.HasDatabase() {
		return nil
	}
	a, d := e.bp.AWS, e.bp.Database
	var args any // nil: the Job only sets up the role
	if len(d.Anonymize.Rules) > 0 || d.Migrations != "" || d.Migrate != "" {
		args = e.anonymizeArgs()
	}
	cidrs := a.DatabaseCIDRs
	if !e.reachesDatabaseCIDRs() {
		cidrs = nil
	}
	return map[string]any{
		"source": d.Source, "golden": d.Golden, "golden_key": goldenKey(d.Golden),
		"name": e.databaseName(), "role": e.env.Role, "master_username": a.MasterUsername,
		"rds_identifier": e.env.RDSIdentifier, "identifier_prefix": namePrefix(e.env.RDSIdentifier),
		"instance_prefix": namePrefix(e.env.RDSIdentifier + "-1"), "security_group_prefix": namePrefix(e.env.RDSIdentifier + "-db"),
		"instance_class": e.bp.DatabaseInstanceClass(), "subnet_group": a.SubnetGroup, "vpc_id": a.VPCID,
		"cluster_cidr": a.ClusterCIDR, "database_cidrs": append([]string{}, cidrs...), "shared_instance": a.SharedInstance,
		"volume_size": a.VolumeSize, "storage_class": a.StorageClass, "snapshot_class": a.SnapshotClass,
		"postgres_image": a.PostgresImage, "anonymizer_image": a.AnonymizerImage + ":" + e.env.SHA,
		"salt_env": e.saltEnv(), "setup_secret": e.setupSecret(), "admin_secret": e.adminSecret(), "migrate": d.Migrate, "anonymize_args": args,
		"role_script": RoleScript, "reset_script": ResetScript,
	}
}

// terraformAccess is modules/aws's access variable: nil for a public host.
func terraformAccess(bp *stacks.Blueprint) any {
	a := bp.Access
	if !a.Protected() {
		return nil
	}
	selector := map[string]any{}
	for k, v := range a.GatewaySelector {
		selector[k] = v
	}
	return map[string]any{
		"provider": a.Provider, "issuer": a.Issuer, "jwks_uri": a.JWKSURI,
		"audiences": toAny(a.Audiences), "gateway_selector": selector,
	}
}

// envList is a container's environment in name order.
func envList(vars map[string]string) []any {
	out := []any{}
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		out = append(out, map[string]any{"name": k, "value": vars[k]})
	}
	return out
}

// serviceEnvMap is serviceEnv as a map.
func (e *envBuild) serviceEnvMap(s stacks.Service) map[string]string {
	vars := map[string]string{"PORT": fmt.Sprint(portOf(s)), "PRENV_ENV": e.env.Name}
	for _, other := range e.bp.Services {
		host := other.Name + "." + e.ns + ".svc.cluster.local"
		if e.bp.Routing.Mode == stacks.RoutingSandbox && !e.bp.RunsOwn(other, e.env, e.t.Changed) {
			host = e.baselineHost(other.Name)
		}
		vars[upstreamVar(other.Name)] = fmt.Sprintf("http://%s:%d", host, portOf(other))
	}
	maps.Copy(vars, s.Env)
	return vars
}

var _ stacks.TerraformInputs = Target{}
