package session

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/automation"
	pulumiengine "github.com/prenv/prenv/automation/pulumi"
	"github.com/prenv/prenv/automation/terraform"
	"github.com/prenv/prenv/modules"
	"github.com/prenv/prenv/stacks"
)

// engineBuilder builds an engine for a session whose target is prepared.
type engineBuilder func(ctx context.Context, h Host, s *Session, o Options) (automation.Engine, error)

// engines are the engines this binary is built with, by the blueprint's
// name for them.
var engines = map[stacks.EngineName]engineBuilder{
	stacks.EnginePulumi:    pulumiEngine,
	stacks.EngineTerraform: terraformEngine,
}

// binDirs are where prenv looks for the pulumi and terraform CLIs beside
// PATH: ./bin (make tools) and the prenv binary's own directory.
func binDirs() []string {
	self, _ := os.Executable()
	return []string{"bin", filepath.Dir(self)}
}

// pulumiEngine builds the Pulumi engine with the target's program and
// plugins: those it serves, and those it pins, which the engine installs
// into PULUMI_HOME unless o.Offline.
func pulumiEngine(ctx context.Context, h Host, s *Session, o Options) (automation.Engine, error) {
	bp := s.Blueprint
	var plugins stacks.Plugins
	if p, ok := s.Target.(stacks.PulumiPlugins); ok {
		var err error
		if plugins, err = p.PulumiPlugins(); err != nil {
			return nil, err
		}
	}
	var passphrase string
	if bp.SecretsProvider == stacks.SecretsPassphrase { // a key service needs none
		p, err := h.Passphrase(s.Home)
		if err != nil {
			return nil, err
		}
		passphrase = p
	}
	binary, err := pulumiengine.Find(h.Getenv("PRENV_PULUMI"), binDirs()...)
	if err != nil {
		return nil, err
	}
	target := s.Target
	eng, err := pulumiengine.New(ctx, pulumiengine.Config{
		PluginDirs:    plugins.Dirs,
		Plugins:       plugins.Pinned,
		PulumiHome:    h.PulumiHome(),
		Offline:       o.Offline,
		Project:       bp.Project,
		BackendURL:    s.Backend,
		Binary:        binary,
		Passphrase:    passphrase,
		TTLFromUpdate: bp.TTLFrom == stacks.TTLFromLastUpdate,
		VersionCache:  filepath.Join(s.Home, "pulumi-version"),
		Program: func(env stacks.Env) (pulumi.RunFunc, error) {
			return target.Program(bp, env), nil
		},
		SecretsProvider: bp.SecretsProvider,
	})
	if err != nil {
		return nil, err // not a nil *Engine inside the interface
	}
	return eng, nil
}

// terraformEngine builds the Terraform engine: the target's embedded
// module (or the blueprint's own), its workspaces in the backend's
// terraform/<project> directory (a file:// one, or an s3:// bucket), and
// the target's variables.
func terraformEngine(ctx context.Context, h Host, s *Session, _ Options) (automation.Engine, error) {
	bp := s.Blueprint
	if u, err := url.Parse(s.Backend); err != nil || (u.Scheme != "file" && u.Scheme != "s3") {
		return nil, stacks.Input(fmt.Errorf("backend %s: engine terraform keeps its workspaces in a file:// directory or an s3:// bucket (S3-compatible stores too): use one of those, or engine pulumi", s.Backend))
	}
	if bp.SecretsProvider != stacks.SecretsPassphrase {
		return nil, stacks.Input(fmt.Errorf("secrets-provider %s encrypts engine pulumi's stack secrets; engine terraform keeps Terraform's state as Terraform writes it: "+
			"remove secrets-provider (encrypt the state's bucket instead, such as with SSE-KMS), or use engine pulumi", bp.SecretsProvider))
	}
	if bp.Target == stacks.TargetAWS && bp.HasStubs() && bp.Terraform.Module == "" {
		return nil, stacks.Input(fmt.Errorf("stub services are served on the aws target by engine pulumi only: modules/aws has no stub Deployment; use engine pulumi, or your own module (terraform.module)"))
	}
	if bp.Database.Migrate != "" && bp.Terraform.Module == "" {
		return nil, stacks.Input(fmt.Errorf("database.migrate is not supported by engine terraform's %s module yet: use database.migrations, or engine pulumi", bp.Target))
	}
	module, err := terraformModule(bp)
	if err != nil {
		return nil, err
	}
	binary, err := terraform.Find(h.Getenv("PRENV_TERRAFORM"), binDirs()...)
	if err != nil {
		return nil, err
	}
	cfg := terraform.Config{
		Project: bp.Project, BackendURL: s.Backend, Binary: binary, Module: module,
		TTLFromUpdate: bp.TTLFrom == stacks.TTLFromLastUpdate,
		Env:           map[string]string{"PRENV_HOME": s.Home},
	}
	inputs, _ := s.Target.(stacks.TerraformInputs)
	if inputs != nil {
		for k, v := range inputs.TerraformEnv() {
			cfg.Env[k] = v
		}
	}
	cfg.Vars = func(ctx context.Context, env stacks.Env) (map[string]any, error) {
		vars := map[string]any{}
		if inputs != nil && bp.Terraform.Module == "" {
			if vars, err = inputs.TerraformVars(ctx, bp, env); err != nil {
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
	eng, err := terraform.New(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return eng, nil
}

// terraformModule is the blueprint's own root module, or prenv's embedded
// one for its target.
func terraformModule(bp *stacks.Blueprint) (fs.FS, error) {
	if bp.Terraform.Module == "" {
		m, err := modules.For(string(bp.Target))
		return m, stacks.Input(err)
	}
	dir := bp.Resolve(bp.Terraform.Module)
	if tf, _ := filepath.Glob(filepath.Join(dir, "*.tf")); len(tf) == 0 {
		return nil, stacks.Input(fmt.Errorf("terraform.module %s holds no .tf files: point it at your root module's directory", dir))
	}
	return os.DirFS(dir), nil
}
