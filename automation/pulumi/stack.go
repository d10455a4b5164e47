package pulumi

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	sdk "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/state"
	"github.com/prenv/prenv/stacks"
)

// session is one operation's workspace and selected stack.
type session struct {
	ws      auto.Workspace
	stack   auto.Stack
	cleanup func()
}

// open selects env's stack in a fresh workspace; a missing stack is
// ErrStackNotFound.
func (p *Engine) open(ctx context.Context, env stacks.Env) (*session, error) {
	ws, cleanup, err := p.workspace(ctx)
	if err != nil {
		return nil, err
	}
	s, err := auto.SelectStack(ctx, env.Stack, ws)
	if err != nil {
		cleanup()
		return nil, classify(ctx, env.Stack, err)
	}
	return &session{ws: ws, stack: s, cleanup: cleanup}, nil
}

// history is what an update needs to know of the stack's past.
type history struct {
	createdAt time.Time // zero for a stack created now
	expiresAt time.Time // the expiry the last update recorded
	secrets   secrets   // how the stack's secrets are encrypted, when read from its state
	recovered []string  // what an interrupted run left that this run clears
}

// locate finds env's stack, creating it when create is set, and reads its
// history from its state file, whatever the backend: no pulumi run.
func (p *Engine) locate(ctx context.Context, ws auto.Workspace, stack string, create bool) (history, error) {
	s, err := p.state.Stack(ctx, p.cfg.Project, stack)
	if errors.Is(err, state.ErrNoStack) {
		return history{}, p.create(ctx, ws, stack, create)
	}
	if err != nil {
		return history{}, err
	}
	h := history{createdAt: s.CreatedAt, expiresAt: s.ExpiresAt, secrets: secretsOf(s), recovered: s.Repaired}
	if err := h.secrets.check(stack, p.cfg.SecretsProvider); err != nil {
		return h, err
	}
	if len(s.Pending) > 0 {
		h.recovered = append(h.recovered, fmt.Sprintf("cleared %d pending operation(s) an interrupted update left: %v", len(s.Pending), s.Pending))
	}
	return h, nil
}

// create makes a missing stack, or reports it missing when create is off.
func (p *Engine) create(ctx context.Context, ws auto.Workspace, stack string, create bool) error {
	if !create {
		return classify(ctx, stack, fmt.Errorf("no stack named %s found", stack))
	}
	_, err := auto.NewStack(ctx, stack, ws)
	if err != nil && !auto.IsCreateStack409Error(err) { // 409: another run just created it
		return classify(ctx, stack, err)
	}
	return nil
}

// writeConfig records prenv's config in the workspace's stack settings
// file, which the next pulumi run reads; no CLI call is needed. The
// secrets provider's settings (the passphrase's salt, or the key's URL and
// the data key it encrypted) make pulumi open the stack's secrets as
// `stack select` would have, and check the passphrase before it runs.
func writeConfig(ctx context.Context, ws auto.Workspace, project string, env stacks.Env, sec secrets) error {
	settings, err := ws.StackSettings(ctx, env.Stack)
	if err != nil {
		// A stack that was never selected here has no settings file yet.
		settings = &workspace.ProjectStack{}
	}
	sec.settle(settings)
	if settings.Config == nil {
		settings.Config = config.Map{}
	}
	cfg, err := stackConfig(project, env)
	if err != nil {
		return err
	}
	maps.Copy(settings.Config, cfg)
	if err := ws.SaveStackSettings(ctx, env.Stack, settings); err != nil {
		return fmt.Errorf("save settings of %s: %w", env.Stack, err)
	}
	return nil
}

// setSecretConfig encrypts env's secret config into the workspace's stack
// settings with the stack's secrets provider, a `pulumi config set
// --secret` per key. The value goes on its standard input, never in its
// arguments, which any process on the host can read.
func (p *Engine) setSecretConfig(ctx context.Context, ws auto.Workspace, env stacks.Env) error {
	for _, k := range slices.Sorted(maps.Keys(env.SecretConfig)) {
		key, err := configKey(p.cfg.Project, k)
		if err != nil {
			return err
		}
		stdout, stderr, _, err := p.cli.Run(ctx, ws.WorkDir(), strings.NewReader(env.SecretConfig[k]), nil, nil, envList(ws),
			"config", "set", "--secret", "--stack", env.Stack, key.String())
		if err != nil {
			return classify(ctx, env.Stack, fmt.Errorf("set the secret config %s: %w\nstdout: %s\nstderr: %s", key, err, stdout, stderr))
		}
	}
	return nil
}

// outputs converts the Automation API's outputs.
func outputs(m auto.OutputMap) map[string]automation.Output {
	out := make(map[string]automation.Output, len(m))
	for k, v := range m {
		out[k] = automation.Output{Value: v.Value, Secret: v.Secret}
	}
	return out
}

// prepare finds env's stack in ws (creating it with create), records
// prenv's config there, and returns the stack's history and the program
// for env as that history dates it.
func (p *Engine) prepare(ctx context.Context, ws auto.Workspace, env stacks.Env, create bool, o automation.Options) (history, sdk.RunFunc, error) {
	h, err := p.locate(ctx, ws, env.Stack, create)
	if err != nil {
		return h, nil, err
	}
	env = automation.Dated(env, h.createdAt, h.expiresAt, p.cfg.TTLFromUpdate, o)
	sec := h.secrets
	if sec.provider == "" { // a stack created now, or never updated: the provider prenv was given
		sec.provider = p.cfg.SecretsProvider
	}
	if err := writeConfig(ctx, ws, p.cfg.Project, env, sec); err != nil {
		return h, nil, err
	}
	if err := p.setSecretConfig(ctx, ws, env); err != nil {
		return h, nil, err
	}
	program, err := p.program(env)
	return h, program, err
}

// stage readies env's stack for an Automation API operation: found (or
// created, with create), its config written and its program set.
func (p *Engine) stage(ctx context.Context, env stacks.Env, create bool, o automation.Options) (*session, error) {
	ws, cleanup, err := p.workspace(ctx)
	if err != nil {
		return nil, err
	}
	ss, err := func() (*session, error) {
		_, program, err := p.prepare(ctx, ws, env, create, o)
		if err != nil {
			return nil, err
		}
		ws.SetProgram(program)
		s, err := auto.SelectStack(ctx, env.Stack, ws)
		if err != nil {
			return nil, classify(ctx, env.Stack, err)
		}
		return &session{ws: ws, stack: s, cleanup: cleanup}, nil
	}()
	if err != nil {
		cleanup()
	}
	return ss, err
}

// program returns the target's program for env, wrapped to export the
// environment's lifetime so later runs and the reaper can read it from the
// stack's state.
func (p *Engine) program(env stacks.Env) (sdk.RunFunc, error) {
	inner, err := p.cfg.Program(env)
	if err != nil {
		return nil, err
	}
	return func(ctx *sdk.Context) error {
		ctx.Export(automation.OutputCreatedAt, sdk.String(env.CreatedAt.UTC().Format(time.RFC3339)))
		ctx.Export(automation.OutputExpiresAt, sdk.String(env.ExpiresAt.UTC().Format(time.RFC3339)))
		if env.Repo != "" {
			ctx.Export(automation.OutputRepo, sdk.String(env.Repo))
		}
		if env.IsGroup() {
			ctx.Export(automation.OutputMembers, sdk.String(strings.Join(env.Members, ",")))
		}
		return inner(ctx)
	}, nil
}
