package pulumi

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	sdk "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/state"
	"github.com/prenv/prenv/stacks"
)

// Config keys prenv records on every stack, under the "prenv" namespace.
const (
	ConfigPR        = "prenv:pr"
	ConfigRepo      = "prenv:repo"
	ConfigSHA       = "prenv:sha"
	ConfigCreatedAt = "prenv:created-at"
	ConfigExpiresAt = "prenv:expires-at"
)

// ProgramFunc returns the Pulumi program of one environment.
type ProgramFunc func(env stacks.Env) (sdk.RunFunc, error)

// Config configures the Pulumi engine.
type Config struct {
	Project    string      // the blueprint's project
	BackendURL string      // file://<dir>, s3://<bucket>, gs://<bucket> or azblob://<container>
	Binary     string      // the pulumi CLI, from Find
	Passphrase string      // secrets passphrase, with the passphrase secrets provider
	Program    ProgramFunc // the target's program for an environment
	// SecretsProvider encrypts the stacks' secrets: stacks.SecretsPassphrase
	// (the default) with Passphrase, or a key service's URL (awskms://...,
	// gcpkms://..., azurekeyvault://..., hashivault://...), which the pulumi
	// CLI reaches with the credentials of its environment.
	SecretsProvider string
	// TTL, when set, makes each update move the expiry to now+TTL
	// (ttl-from: last-update). Otherwise the expiry counts from creation.
	TTLFromUpdate bool
	// PluginDirs are provider plugins the program uses, by name, each a
	// directory holding pulumi-resource-<name>.
	PluginDirs map[string]string
	// Plugins are the pinned plugins the program needs from PulumiHome.
	// Up and Preview first install a missing one at exactly its version.
	Plugins []stacks.Plugin
	// PulumiHome is the pulumi CLI's home (PULUMI_HOME, usually ~/.pulumi),
	// where plugins are installed; needed with Plugins. Every pulumi run
	// gets it.
	PulumiHome string
	// Offline makes a missing pinned plugin an error that names its
	// install command, instead of a download, and turns off pulumi's own
	// download of plugins it finds missing (as a destroy of a stack whose
	// providers are not installed would).
	Offline bool
	// VersionCache, if set, is a file where the checked version of Binary
	// is remembered, saving a `pulumi version` run per invocation.
	VersionCache string
	// Env is extra environment for the pulumi CLI.
	Env map[string]string
}

// Engine is the automation.Engine that drives Pulumi stacks through the
// Automation API.
type Engine struct {
	cfg   Config
	cli   *pulumiCLI
	state *state.Backend // the backend's state, read without pulumi runs
	host  string         // this machine and user, as pulumi records them in lock files
	user  string
}

var _ automation.Engine = (*Engine)(nil)

// New checks cfg and the pulumi binary and returns the engine.
func New(ctx context.Context, cfg Config) (*Engine, error) {
	if cfg.Project == "" || cfg.BackendURL == "" || cfg.Program == nil {
		return nil, fmt.Errorf("pulumi: Config needs Project, BackendURL and Program")
	}
	if cfg.SecretsProvider == "" {
		cfg.SecretsProvider = stacks.SecretsPassphrase
	}
	if err := stacks.CheckSecretsProvider(cfg.SecretsProvider); err != nil {
		return nil, err
	}
	if cfg.SecretsProvider == stacks.SecretsPassphrase && cfg.Passphrase == "" {
		return nil, fmt.Errorf("no secrets passphrase: set PULUMI_CONFIG_PASSPHRASE, or a secrets provider such as awskms://alias/prenv?region=eu-west-1")
	}
	if err := checkBackend(cfg.BackendURL); err != nil {
		return nil, err
	}
	if err := checkPins(cfg.Plugins, cfg.PulumiHome); err != nil {
		return nil, err
	}
	cli, err := newPulumiCLI(ctx, cfg.Binary, cfg.VersionCache)
	if err != nil {
		return nil, err
	}
	st, err := state.Open(ctx, cfg.BackendURL)
	if err != nil {
		return nil, err
	}
	return &Engine{cfg: cfg, cli: cli, state: st, host: hostname(), user: username()}, nil
}

// workspace makes a throwaway workspace directory holding the project.
func (p *Engine) workspace(ctx context.Context) (auto.Workspace, func(), error) {
	dir, err := os.MkdirTemp("", "prenv-ws-")
	if err != nil {
		return nil, nil, fmt.Errorf("create workspace: %w", err)
	}
	cleanup := func() { os.RemoveAll(dir) }
	proj := workspace.Project{
		Name:    tokens.PackageName(p.cfg.Project),
		Runtime: workspace.NewProjectRuntimeInfo("go", nil),
		Backend: &workspace.ProjectBackend{URL: p.cfg.BackendURL},
	}
	if len(p.cfg.PluginDirs) > 0 {
		proj.Plugins = &workspace.Plugins{}
		for name, path := range p.cfg.PluginDirs {
			proj.Plugins.Providers = append(proj.Plugins.Providers, workspace.PluginOptions{Name: name, Path: path})
		}
	}
	env := map[string]string{"PULUMI_BACKEND_URL": p.cfg.BackendURL}
	if p.cfg.SecretsProvider == stacks.SecretsPassphrase {
		env["PULUMI_CONFIG_PASSPHRASE"] = p.cfg.Passphrase
	}
	for k, v := range p.cfg.Env {
		env[k] = v
	}
	if p.cfg.PulumiHome != "" { // where the plugins were checked
		env["PULUMI_HOME"] = p.cfg.PulumiHome
	}
	if p.cfg.Offline {
		env["PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION"] = "true"
	}
	opts := []auto.LocalWorkspaceOption{
		auto.WorkDir(dir), auto.Project(proj), auto.Pulumi(p.cli), auto.EnvVars(env),
		auto.SecretsProvider(p.cfg.SecretsProvider),
	}
	ws, err := auto.NewLocalWorkspace(ctx, opts...)
	if err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("create workspace: %w", err)
	}
	return ws, cleanup, nil
}

// stackConfig is the config prenv records on env's stack in plain text:
// env.Config, then prenv's own keys, which env.Config may not set.
// env.SecretConfig is checked here and set by setSecretConfig.
func stackConfig(project string, env stacks.Env) (config.Map, error) {
	m := config.Map{}
	for k, v := range env.Config {
		key, err := configKey(project, k)
		if err != nil {
			return nil, err
		}
		m[key] = config.NewValue(v)
	}
	for k := range env.SecretConfig {
		key, err := configKey(project, k)
		if err != nil {
			return nil, err
		}
		if _, ok := m[key]; ok {
			return nil, fmt.Errorf("config key %q is given both as a secret and in plain text: give it once", k)
		}
	}
	for k, v := range map[string]string{
		ConfigPR:        strconv.Itoa(env.PR),
		ConfigRepo:      env.Repo,
		ConfigSHA:       env.SHA,
		ConfigCreatedAt: env.CreatedAt.UTC().Format(time.RFC3339),
		ConfigExpiresAt: env.ExpiresAt.UTC().Format(time.RFC3339),
	} {
		m[config.MustParseKey(k)] = config.NewValue(v)
	}
	return m, nil
}

// configKey parses a config key, "namespace:key" or "key" in the
// project's namespace; the prenv namespace is prenv's own.
func configKey(project, k string) (config.Key, error) {
	key, err := config.ParseKey(k)
	if err != nil && !strings.Contains(k, ":") {
		key, err = config.ParseKey(project + ":" + k)
	}
	if err != nil {
		return key, fmt.Errorf("config key %q: %w; use namespace:key", k, err)
	}
	if key.Namespace() == "prenv" {
		return key, fmt.Errorf("config key %q: the prenv namespace is prenv's own; use another namespace", k)
	}
	return key, nil
}
