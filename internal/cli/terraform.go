package cli

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/automation/terraform"
	"github.com/prenv/prenv/modules"
	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/local"
)

// terraformEngine builds the Terraform engine for engine: terraform: the
// target's embedded module, its workspaces under the file:// backend's
// terraform/<project> directory, and for the local target the variables
// that describe the environment to modules/local.
func (a *App) terraformEngine(ctx context.Context, bp *stacks.Blueprint, backend, home string, lt *local.Target, env stacks.Env) (automation.Engine, error) {
	u, err := url.Parse(backend)
	if err != nil || u.Scheme != "file" {
		return nil, usage(fmt.Errorf("backend %q: engine terraform keeps its workspaces in a local directory: use a file:// backend", backend))
	}
	stateDir := filepath.Join(u.Host+u.Path, "terraform", bp.Project)
	if bp.Database.Migrate != "" && bp.Terraform.Module == "" {
		return nil, usage(fmt.Errorf("database.migrate is not supported by engine terraform's %s module yet: use database.migrations, or engine pulumi", bp.Target))
	}
	module, err := terraformModule(bp)
	if err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	binary, err := terraform.Find(a.Getenv("PRENV_TERRAFORM"), "bin", filepath.Dir(self))
	if err != nil {
		return nil, err
	}
	cfg := terraform.Config{
		Project: bp.Project, StateDir: stateDir, Binary: binary, Module: module,
		TTLFromUpdate: bp.TTLFrom == "last-update",
		Env:           map[string]string{"PRENV_HOME": home},
	}
	if lt != nil && lt.Salt != "" {
		// The salt reaches `prenv local database create` through the
		// environment, never through the module's state or an argv.
		cfg.Env[stacks.DefaultSaltEnv] = lt.Salt
	}
	cfg.Vars = func(env stacks.Env) (map[string]any, error) {
		vars := map[string]any{}
		if lt != nil && bp.Terraform.Module == "" {
			if vars, err = localVars(bp, *lt, env, self); err != nil {
				return nil, err
			}
		}
		for k, v := range bp.Terraform.Vars {
			if _, ok := vars[k]; ok {
				return nil, fmt.Errorf("terraform.vars.%s is a variable prenv sets for the %s module: remove it from the blueprint", k, bp.Target)
			}
			vars[k] = v
		}
		return vars, nil
	}
	return terraform.New(ctx, cfg)
}

// terraformModule is the blueprint's own root module, or prenv's embedded
// one for its target.
func terraformModule(bp *stacks.Blueprint) (fs.FS, error) {
	if bp.Terraform.Module == "" {
		m, err := modules.For(bp.Target)
		return m, usage(err)
	}
	dir := bp.Resolve(bp.Terraform.Module)
	if tf, _ := filepath.Glob(filepath.Join(dir, "*.tf")); len(tf) == 0 {
		return nil, usage(fmt.Errorf("terraform.module %s holds no .tf files: point it at your root module's directory", dir))
	}
	return os.DirFS(dir), nil
}

// localVars describes env on the local target to modules/local, as the
// local target's Pulumi program builds it: the database cloned from the
// golden (and the golden itself for the baseline), the services env runs
// itself with their environment, and the route.
func localVars(bp *stacks.Blueprint, t local.Target, env stacks.Env, prenv string) (map[string]any, error) {
	envDir := filepath.Join(t.LogsDir, env.Name)
	db := map[string]any{
		"name": env.Database, "role": env.Role, "template": local.GoldenName(bp.Project),
		"objects_owner": local.ObjectsOwner(bp.Project), "migrations": "", "migrations_revision": "",
		"anonymize": local.AnonymizationOf(bp),
	}
	if bp.Database.Migrations != "" {
		db["migrations"] = bp.Resolve(bp.Database.Migrations)
		db["migrations_revision"] = t.MigrationsRevision
	}
	var golden any
	if env.Name == stacks.BaselineName {
		golden = map[string]any{"name": local.GoldenName(bp.Project), "objects_owner": local.ObjectsOwner(bp.Project), "source": t.GoldenSource(bp),
			"anonymize": local.AnonymizationOf(bp)}
	}
	services, urls := map[string]any{}, map[string]string{}
	for _, s := range bp.Services {
		if !bp.RunsOwn(s, env, t.Changed) {
			continue
		}
		environ := t.ServiceEnv(bp, env, s)
		services[s.Name] = map[string]any{
			"command": s.Run, "dir": bp.AbsDir(), "environment": environ, "health": s.Health,
			"log_dir": filepath.Join(envDir, "logs"), "revision": t.Revisions[s.Name],
		}
		urls[s.Name] = t.URL(env.Name, s.Name)
	}
	entry := ""
	if e := bp.EntryService(); e != nil {
		entry = e.Name
	}
	return map[string]any{
		"prenv":     prenv,
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
