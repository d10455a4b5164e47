package actions

import (
	"context"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/session"
	"github.com/prenv/prenv/stacks"
)

// open opens the session of an environment mode, with the config-map
// input as the environment's config, and checks the inputs whose meaning
// depends on the blueprint's engine.
func (x *Step) open(ctx context.Context) (*session.Session, error) {
	s, err := x.host().Open(ctx, x.options())
	if err != nil {
		return nil, err
	}
	s.Env.Config, s.Env.SecretConfig = x.in.ConfigMap, x.in.ConfigSecrets
	if err := checkTargets(s.Blueprint.Engine, x.in.Targets); err != nil {
		return nil, stacks.Input(err)
	}
	if s.Blueprint.Engine == stacks.EngineTerraform {
		x.noticeTerraformIgnores()
	}
	return s, nil
}

// noticeTerraformIgnores says which Pulumi-only inputs the Terraform
// engine leaves aside.
func (x *Step) noticeTerraformIgnores() {
	if x.in.Message != "" {
		x.Runner.Notice("prenv ignores the message input: the Terraform engine keeps no update history to record it in")
	}
	if x.in.TargetDependents {
		x.Runner.Notice("prenv ignores target-dependents: Terraform has no such flag (its -target takes what the targets depend on, not what depends on them)")
	}
	if len(x.in.ConfigMap)+len(x.in.ConfigSecrets) > 0 {
		x.Runner.Notice("prenv ignores config-map: it is Pulumi stack config, which the Terraform engine's modules do not read")
	}
}

// operationOptions are the options of the engine call that runs the
// mode: lockOptions, progress, and the target and message inputs.
func (x *Step) operationOptions() []automation.Option {
	opts := append(x.lockOptions(), automation.Progress(x.Progress))
	if len(x.in.Targets) > 0 {
		opts = append(opts, automation.Targets(x.in.Targets...))
		if x.in.TargetDependents {
			opts = append(opts, automation.TargetDependents())
		}
	}
	if x.in.Message != "" {
		opts = append(opts, automation.Message(x.in.Message))
	}
	return opts
}
