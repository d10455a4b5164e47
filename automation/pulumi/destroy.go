package pulumi

import (
	"context"
	"errors"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// Destroy deletes env's resources and, with automation.Remove, the stack itself.
// Destroying a stack that does not exist, or destroying twice, succeeds.
func (p *Engine) Destroy(ctx context.Context, env stacks.Env, opts ...automation.Option) (automation.Result, error) {
	o := automation.Resolve(opts)
	start := time.Now()
	res := automation.Result{Stack: env.Stack, Op: "destroy", Changes: map[string]int{}}
	recovered, err := p.withLock(ctx, env.Stack, o, func() error {
		ss, err := p.open(ctx, env)
		if errors.Is(err, automation.ErrStackNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		defer ss.cleanup()
		ch := make(chan events.EngineEvent)
		pr := watch(o.Progress, ch)
		_, err = ss.stack.Destroy(ctx, destroyOptions(o, ch)...)
		pr.wait()
		res.Recovered = append(res.Recovered, pr.recovered...)
		if err != nil {
			return classify(ctx, env.Stack, err)
		}
		if pr.changes != nil {
			res.Changes = pr.changes
		}
		return nil
	})
	res.Recovered = append(recovered, res.Recovered...)
	res.Duration = time.Since(start)
	return res, err
}

func destroyOptions(o automation.Options, ch chan<- events.EngineEvent) []optdestroy.Option {
	opts := []optdestroy.Option{optdestroy.EventStreams(ch), optdestroy.SuppressProgress(), optdestroy.Color("never")}
	if o.Message != "" {
		opts = append(opts, optdestroy.Message(o.Message))
	}
	if len(o.Targets) > 0 { // the stack keeps the resources left out, so it stays
		opts = append(opts, optdestroy.Target(o.Targets))
		if o.TargetDependents {
			opts = append(opts, optdestroy.TargetDependents())
		}
		return opts
	}
	if o.Remove {
		opts = append(opts, optdestroy.Remove())
	}
	return opts
}
