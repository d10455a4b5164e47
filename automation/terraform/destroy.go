package terraform

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// Destroy destroys env's workspace and, with automation.Remove, deletes it.
// Destroying a workspace that does not exist, or destroying twice,
// succeeds.
func (t *Engine) Destroy(ctx context.Context, env stacks.Env, opts ...automation.Option) (automation.Result, error) {
	o := automation.Resolve(opts)
	start := time.Now()
	res := automation.Result{Stack: env.Stack, Op: "destroy", Changes: map[string]int{}}
	err := t.withLock(ctx, env.Stack, o, &res, func(o automation.Options) error { return t.destroy(ctx, env, o, &res) })
	res.Duration = time.Since(start)
	return res, err
}

func (t *Engine) destroy(ctx context.Context, env stacks.Env, o automation.Options, res *automation.Result) error {
	r, varFile, err := t.prepare(ctx, env, o, false, res)
	if errors.Is(err, automation.ErrStackNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	defer r.cleanup()
	stream := newUIStream(o.Progress)
	err = r.tf.DestroyJSON(ctx, stream, destroyOptions(varFile, o)...)
	changes, _, diags := stream.result()
	if kept := t.keepErrored(ctx, r, env.Stack); kept != nil {
		return kept
	}
	if err != nil {
		return t.classify(ctx, env.Stack, err, diags)
	}
	if changes != nil {
		res.Changes = changes
	}
	if !o.Remove || len(o.Targets) > 0 { // a targeted destroy leaves the rest in the workspace
		return nil
	}
	if err := r.tf.WorkspaceSelect(ctx, "default"); err != nil {
		return t.classify(ctx, env.Stack, err, nil)
	}
	err = r.tf.WorkspaceDelete(ctx, env.Stack, tfexec.LockTimeout(lockTimeout(o)))
	if err != nil && errors.Is(t.classify(ctx, env.Stack, err, nil), automation.ErrStackNotFound) {
		return nil // another run removed it first
	}
	return t.classify(ctx, env.Stack, err, nil)
}

func destroyOptions(varFile string, o automation.Options) []tfexec.DestroyOption {
	opts := []tfexec.DestroyOption{tfexec.VarFile(varFile), tfexec.LockTimeout(lockTimeout(o)), tfexec.Refresh(false)}
	for _, t := range targets(o) {
		opts = append(opts, t)
	}
	return opts
}
