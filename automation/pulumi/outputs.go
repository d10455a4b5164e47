package pulumi

import (
	"context"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// Outputs returns the outputs of env's stack, secrets included and marked.
func (p *Engine) Outputs(ctx context.Context, env stacks.Env) (map[string]automation.Output, error) {
	ss, err := p.open(ctx, env)
	if err != nil {
		return nil, err
	}
	defer ss.cleanup()
	outs, err := ss.stack.Outputs(ctx)
	if err != nil {
		return nil, classify(ctx, env.Stack, err)
	}
	return outputs(outs), nil
}
