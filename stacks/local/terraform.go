package local

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"

	"github.com/prenv/prenv/stacks"
)

// TerraformEnv implements stacks.TerraformInputs. The salt reaches
// `prenv local database create` through the environment, never through
// the module's state or an argv.
func (t Target) TerraformEnv() map[string]string {
	env := map[string]string{"PRENV_HOME": t.Home}
	if t.Salt != "" {
		env[stacks.DefaultSaltEnv] = t.Salt
	}
	return env
}

// TerraformVars implements stacks.TerraformInputs: env on the local target
// described to modules/local as the Pulumi program builds it: the database
// cloned from the golden (and the golden itself for the baseline; built
// from the golden's source for a self-contained environment), unless
// the blueprint has no database, the services env runs itself with their
// environment, and the route.
func (t Target) TerraformVars(_ context.Context, bp *stacks.Blueprint, env stacks.Env) (map[string]any, error) {
	envDir := filepath.Join(t.LogsDir, env.Name)
	var db, golden any // null: no database
	if bp.HasDatabase() {
		clone := map[string]any{
			"name": env.Database, "role": env.Role, "template": GoldenName(bp.Project),
			"objects_owner": ObjectsOwner(bp.Project), "migrations": "", "migrations_revision": "",
			"anonymize": AnonymizationOf(bp), "source": "",
		}
		if buildsOwnDatabase(env) {
			clone["template"], clone["source"] = "", t.GoldenSource(bp)
		}
		if bp.Database.Migrations != "" {
			clone["migrations"] = bp.Resolve(bp.Database.Migrations)
			clone["migrations_revision"] = t.MigrationsRevision
		}
		var thinGolden map[string]any
		if t.Clone.Method == stacks.CloneThin && !buildsOwnDatabase(env) {
			thin := t.thinArgs(bp, env)
			clone["clone"], clone["cluster_dir"], clone["golden_dir"] = thin.Clone, thin.ClusterDir, thin.GoldenDir
			clone["shared_buffers"], clone["max_connections"] = thin.SharedBuffers, thin.MaxConnections
			thinGolden = map[string]any{"clone": thin.Clone, "cluster_dir": thin.GoldenDir}
		}
		db = clone
		if env.Name == stacks.BaselineName {
			g := map[string]any{"name": GoldenName(bp.Project), "objects_owner": ObjectsOwner(bp.Project), "source": t.GoldenSource(bp),
				"anonymize": AnonymizationOf(bp)}
			maps.Copy(g, thinGolden)
			golden = g
		}
	}
	services, urls := map[string]any{}, map[string]string{}
	for _, s := range bp.Services {
		if !bp.RunsOwn(s, env, t.Changed) {
			continue
		}
		environ := t.ServiceEnv(bp, env, s)
		services[s.Name] = map[string]any{
			"command": t.command(bp, s), "dir": bp.AbsDir(), "environment": environ, "health": s.Health,
			"log_dir": filepath.Join(envDir, "logs"), "revision": t.Revisions[s.Name],
		}
		urls[s.Name] = t.URL(env.Name, s.Name)
	}
	entry := ""
	if e := bp.EntryService(); e != nil {
		entry = e.Name
	}
	return map[string]any{
		"prenv":     t.Binary,
		"state_dir": filepath.Join(envDir, "terraform"),
		"database":  db,
		"golden":    golden,
		"services":  services,
		"route": map[string]any{
			"routes_dir": t.RoutesDir, "entry": entry, "router_addr": fmt.Sprintf("127.0.0.1:%d", t.RouterPort),
		},
		"urls": map[string]any{"entry": t.URL(env.Name, ""), "services": urls},
	}, nil
}
