package terraform

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// Preview reports what Up would change. A workspace that does not exist
// yet is created empty, so the plan shows every resource as a create.
func (t *Engine) Preview(ctx context.Context, env stacks.Env, opts ...automation.Option) (automation.Result, error) {
	o := automation.Resolve(opts)
	start := time.Now()
	res := automation.Result{Stack: env.Stack, Op: "preview"}
	err := t.withLock(ctx, env.Stack, o, &res, func(o automation.Options) error {
		r, varFile, err := t.prepare(ctx, env, o, true, &res)
		if err != nil {
			return err
		}
		defer r.cleanup()
		stream := newUIStream(o.Progress)
		_, err = r.tf.PlanJSON(ctx, stream, planOptions(varFile, o)...)
		changes, _, diags := stream.result()
		if err != nil {
			return t.classify(ctx, env.Stack, err, diags)
		}
		res.Changes = changes
		return nil
	})
	res.Duration = time.Since(start)
	return res, err
}

func planOptions(varFile string, o automation.Options) []tfexec.PlanOption {
	opts := []tfexec.PlanOption{tfexec.VarFile(varFile), tfexec.LockTimeout(lockTimeout(o)), tfexec.Refresh(o.RefreshFirst)}
	for _, t := range targets(o) {
		opts = append(opts, t)
	}
	return opts
}
