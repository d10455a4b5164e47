package automation

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/prenv/prenv/stacks"
)

// session is one operation's workspace and selected stack.
type session struct {
	ws      auto.Workspace
	stack   auto.Stack
	created bool // the stack did not exist and was created now
	cleanup func()
}

// open selects env's stack in a fresh workspace. With create, a missing
// stack is created; otherwise it is ErrStackNotFound.
func (p *Pulumi) open(ctx context.Context, env stacks.Env, create bool) (*session, error) {
	ws, cleanup, err := p.workspace(ctx, nil, nil)
	if err != nil {
		return nil, err
	}
	s, err := auto.SelectStack(ctx, env.Stack, ws)
	created := false
	if err != nil && auto.IsSelectStack404Error(err) && create {
		s, err = auto.NewStack(ctx, env.Stack, ws)
		created = err == nil
		if auto.IsCreateStack409Error(err) {
			// Another run created it between our select and create.
			s, err = auto.SelectStack(ctx, env.Stack, ws)
		}
	}
	if err != nil {
		cleanup()
		return nil, classify(ctx, env.Stack, err)
	}
	return &session{ws: ws, stack: s, created: created, cleanup: cleanup}, nil
}

// prepare records prenv's config on the stack and returns env with the
// stack's original creation time and the expiry that follows from it.
func (p *Pulumi) prepare(ctx context.Context, ss *session, env stacks.Env) (stacks.Env, error) {
	if !ss.created {
		prev, err := p.previousConfig(ctx, ss)
		if err != nil {
			return env, err
		}
		if created, err := time.Parse(time.RFC3339, prev[ConfigCreatedAt]); err == nil {
			ttl := env.ExpiresAt.Sub(env.CreatedAt)
			env.CreatedAt = created
			if !p.cfg.TTLFromUpdate {
				env.ExpiresAt = created.Add(ttl)
			}
		}
	}
	settings, err := ss.ws.StackSettings(ctx, env.Stack)
	if err != nil {
		// Selecting a stack that was never deployed writes no settings file.
		settings = &workspace.ProjectStack{}
	}
	if settings.Config == nil {
		settings.Config = config.Map{}
	}
	maps.Copy(settings.Config, stackConfig(env))
	if err := ss.ws.SaveStackSettings(ctx, env.Stack, settings); err != nil {
		return env, fmt.Errorf("save settings of %s: %w", env.Stack, err)
	}
	program, err := p.cfg.Program(env)
	if err != nil {
		return env, err
	}
	ss.ws.SetProgram(program)
	return env, nil
}

// previousConfig reads prenv's keys from the stack's last deployment. A
// stack that was never deployed has none.
func (p *Pulumi) previousConfig(ctx context.Context, ss *session) (map[string]string, error) {
	cfg, err := ss.stack.RefreshConfig(ctx)
	if err != nil {
		return map[string]string{}, nil //nolint:nilerr // never deployed: nothing to keep
	}
	prev := map[string]string{}
	for k, v := range cfg {
		if !v.Secret {
			prev[k] = v.Value
		}
	}
	return prev, nil
}

// outputs converts the Automation API's outputs.
func outputs(m auto.OutputMap) map[string]Output {
	out := make(map[string]Output, len(m))
	for k, v := range m {
		out[k] = Output{Value: v.Value, Secret: v.Secret}
	}
	return out
}
