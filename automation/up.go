package automation

import (
	"context"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"github.com/prenv/prenv/stacks"
)

// Up creates env's stack if needed and brings it to the program's state.
func (p *Pulumi) Up(ctx context.Context, env stacks.Env, opts ...Option) (Result, error) {
	o := newOptions(opts)
	start := time.Now()
	res := Result{Stack: env.Stack, Op: "up"}
	recovered, err := p.withLock(ctx, env.Stack, o, func() error {
		ss, err := p.open(ctx, env, true)
		if err != nil {
			return err
		}
		defer ss.cleanup()
		if _, err := p.prepare(ctx, ss, env); err != nil {
			return err
		}
		ch := make(chan events.EngineEvent)
		pr := watch(o.progress, ch)
		up, err := ss.stack.Up(ctx, upOptions(o, ch)...)
		pr.wait()
		res.Recovered = append(res.Recovered, pr.recovered...)
		if err != nil {
			return classify(ctx, env.Stack, err)
		}
		res.Changes, res.Outputs = pr.changes, outputs(up.Outputs)
		return nil
	})
	res.Recovered = append(recovered, res.Recovered...)
	res.Duration = time.Since(start)
	return res, err
}

// upOptions builds the Automation API options of one update.
func upOptions(o options, ch chan<- events.EngineEvent) []optup.Option {
	opts := []optup.Option{optup.EventStreams(ch), optup.SuppressProgress(), optup.Color("never")}
	if o.refresh {
		opts = append(opts, optup.Refresh())
	}
	return opts
}
