package pulumi

import (
	"context"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// Refresh reconciles env's stack with the real resources.
func (p *Engine) Refresh(ctx context.Context, env stacks.Env, opts ...automation.Option) (automation.Result, error) {
	o := automation.Resolve(opts)
	start := time.Now()
	res := automation.Result{Stack: env.Stack, Op: "refresh"}
	recovered, err := p.withLock(ctx, env.Stack, o, func() error {
		ss, err := p.stage(ctx, env, false, o)
		if err != nil {
			return err
		}
		defer ss.cleanup()
		ch := make(chan events.EngineEvent)
		pr := watch(o.Progress, ch)
		_, err = ss.stack.Refresh(ctx, refreshOptions(o, ch)...)
		pr.wait()
		if err != nil {
			return classify(ctx, env.Stack, err)
		}
		res.Changes = pr.changes
		outs, err := ss.stack.Outputs(ctx)
		if err != nil {
			return classify(ctx, env.Stack, err)
		}
		res.Outputs = outputs(outs)
		return nil
	})
	res.Recovered = recovered
	res.Duration = time.Since(start)
	return res, err
}

func refreshOptions(o automation.Options, ch chan<- events.EngineEvent) []optrefresh.Option {
	opts := []optrefresh.Option{optrefresh.EventStreams(ch), optrefresh.SuppressProgress(), optrefresh.Color("never")}
	if o.Message != "" {
		opts = append(opts, optrefresh.Message(o.Message))
	}
	if len(o.Targets) > 0 {
		opts = append(opts, optrefresh.Target(o.Targets))
		if o.TargetDependents {
			opts = append(opts, optrefresh.TargetDependents())
		}
	}
	return opts
}
