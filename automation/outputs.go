package automation

import (
	"context"

	"github.com/prenv/prenv/stacks"
)

// Outputs returns the outputs of env's stack, secrets included and marked.
func (p *Pulumi) Outputs(ctx context.Context, env stacks.Env) (map[string]Output, error) {
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
