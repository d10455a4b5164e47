package pulumi

import (
	"context"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// Preview reports what Up would change. A stack that does not exist yet is
// created empty so the preview can show every resource as a create. The
// missing pinned plugins are installed first, as for Up.
func (p *Engine) Preview(ctx context.Context, env stacks.Env, opts ...automation.Option) (automation.Result, error) {
	o := automation.Resolve(opts)
	start := time.Now()
	res := automation.Result{Stack: env.Stack, Op: "preview"}
	if err := p.ensurePlugins(ctx, o.Progress); err != nil {
		res.Duration = time.Since(start)
		return res, err
	}
	recovered, err := p.withLock(ctx, env.Stack, o, func() error {
		ss, err := p.stage(ctx, env, true, o)
		if err != nil {
			return err
		}
		defer ss.cleanup()
		ch := make(chan events.EngineEvent)
		pr := watch(o.Progress, ch)
		_, err = ss.stack.Preview(ctx, previewOptions(o, ch)...)
		pr.wait()
		if err != nil {
			return classify(ctx, env.Stack, err)
		}
		res.Changes = pr.changes
		return nil
	})
	res.Recovered = recovered
	res.Duration = time.Since(start)
	return res, err
}

func previewOptions(o automation.Options, ch chan<- events.EngineEvent) []optpreview.Option {
	opts := []optpreview.Option{optpreview.EventStreams(ch), optpreview.SuppressProgress(), optpreview.Color("never")}
	if o.RefreshFirst {
		opts = append(opts, optpreview.Refresh())
	}
	if o.Message != "" {
		opts = append(opts, optpreview.Message(o.Message))
	}
	if len(o.Targets) > 0 {
		opts = append(opts, optpreview.Target(o.Targets))
		if o.TargetDependents {
			opts = append(opts, optpreview.TargetDependents())
		}
	}
	return opts
}
