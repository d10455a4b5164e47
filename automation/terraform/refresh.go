package terraform

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// Refresh reconciles env's workspace with the real resources: a
// refresh-only apply.
func (t *Engine) Refresh(ctx context.Context, env stacks.Env, opts ...automation.Option) (automation.Result, error) {
	o := automation.Resolve(opts)
	start := time.Now()
	res := automation.Result{Stack: env.Stack, Op: "refresh"}
	err := t.withLock(ctx, env.Stack, o, &res, func(o automation.Options) error {
		r, varFile, err := t.prepare(ctx, env, o, false, &res)
		if err != nil {
			return err
		}
		defer r.cleanup()
		stream := newUIStream(o.Progress)
		err = r.tf.ApplyJSON(ctx, stream, refreshOptions(varFile, o)...)
		changes, _, diags := stream.result()
		if kept := t.keepErrored(ctx, r, env.Stack); kept != nil {
			return kept
		}
		if err != nil {
			return t.classify(ctx, env.Stack, err, diags)
		}
		res.Changes = changes
		metas, err := r.tf.Output(ctx)
		if err != nil {
			return t.classify(ctx, env.Stack, err, nil)
		}
		m := make(map[string]outputMeta, len(metas))
		for k, v := range metas {
			m[k] = outputMeta{Sensitive: v.Sensitive, Value: v.Value}
		}
		res.Outputs = prenvOutputs(m, true)
		return nil
	})
	res.Duration = time.Since(start)
	return res, err
}

func refreshOptions(varFile string, o automation.Options) []tfexec.ApplyOption {
	opts := []tfexec.ApplyOption{tfexec.VarFile(varFile), tfexec.LockTimeout(lockTimeout(o)), tfexec.RefreshOnly(true)}
	for _, t := range targets(o) {
		opts = append(opts, t)
	}
	return opts
}
