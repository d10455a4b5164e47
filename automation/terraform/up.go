package terraform

import (
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// Up creates env's workspace if needed and applies the module to it.
func (t *Engine) Up(ctx context.Context, env stacks.Env, opts ...automation.Option) (automation.Result, error) {
	o := automation.Resolve(opts)
	start := time.Now()
	res := automation.Result{Stack: env.Stack, Op: "up"}
	err := t.withLock(ctx, env.Stack, o, &res, func(o automation.Options) error { return t.up(ctx, env, o, &res) })
	res.Duration = time.Since(start)
	return res, err
}

func (t *Engine) up(ctx context.Context, env stacks.Env, o automation.Options, res *automation.Result) error {
	if !o.ExtendTo.IsZero() && !t.hasLifetime() {
		return fmt.Errorf("the Terraform module has no resource %s, which extend updates alone: add it, and read prenv__expires-at from it", extendTarget)
	}
	r, varFile, err := t.prepare(ctx, env, o, o.ExtendTo.IsZero(), res) // an extension never creates a workspace
	if err != nil {
		return err
	}
	defer r.cleanup()
	stream := newUIStream(o.Progress)
	err = r.tf.ApplyJSON(ctx, stream, applyOptions(varFile, o)...)
	changes, outputs, diags := stream.result()
	if kept := t.keepErrored(ctx, r, env.Stack); kept != nil {
		return kept
	}
	if err != nil {
		return t.classify(ctx, env.Stack, err, diags)
	}
	res.Changes, res.Outputs = changes, outputs
	if !o.ExtendTo.IsZero() {
		res.Changes = map[string]int{} // the lifetime record is prenv's, not a resource of the environment
	}
	return nil
}

// applyOptions are an up's: the variables, the lock wait, and with Extend
// no resource at all, so only the outputs move.
func applyOptions(varFile string, o automation.Options) []tfexec.ApplyOption {
	opts := []tfexec.ApplyOption{tfexec.VarFile(varFile), tfexec.LockTimeout(lockTimeout(o)), tfexec.Refresh(o.RefreshFirst)}
	if !o.ExtendTo.IsZero() {
		return append(opts, tfexec.Refresh(false), tfexec.Target(extendTarget))
	}
	for _, t := range targets(o) {
		opts = append(opts, t)
	}
	return opts
}

// targets are -target flags for automation.Targets, which here are
// resource addresses. Terraform has no --target-dependents, and keeps no
// update message, so those options are left to the caller to mention.
func targets(o automation.Options) []*tfexec.TargetOption {
	var opts []*tfexec.TargetOption
	for _, t := range o.Targets {
		opts = append(opts, tfexec.Target(t))
	}
	return opts
}

// extendTarget is the resource that records a module's lifetime; Extend
// applies it alone, so only it and the outputs that read it move.
const extendTarget = "terraform_data.prenv_lifetime"

// hasLifetime reports whether the module declares extendTarget.
func (t *Engine) hasLifetime() bool {
	files, _ := fs.Glob(t.cfg.Module, "*.tf")
	for _, f := range files {
		data, _ := fs.ReadFile(t.cfg.Module, f)
		if lifetimeBlock.Match(data) {
			return true
		}
	}
	return false
}

var lifetimeBlock = regexp.MustCompile(`(?m)^resource\s+"terraform_data"\s+"prenv_lifetime"`)

// lockTimeout is -lock-timeout for --wait-for-lock.
func lockTimeout(o automation.Options) string {
	return fmt.Sprintf("%dms", o.WaitForLock.Milliseconds())
}

// prepare readies an operation on env's workspace: no unsaved state kept
// from a failed run, no provably stale lock, a working directory with the
// workspace selected (or created, with create), and the variables dated
// by the workspace's state.
func (t *Engine) prepare(ctx context.Context, env stacks.Env, o automation.Options, create bool, res *automation.Result) (*runDir, string, error) {
	if err := t.refuseErrored(ctx, env.Stack); err != nil {
		return nil, "", err
	}
	if line, err := t.breakStale(ctx, env.Stack, o); err != nil {
		return nil, "", err
	} else if line != "" {
		res.Recovered = append(res.Recovered, line)
		fmt.Fprintln(o.Progress, line)
	}
	if v, err := t.backend.inspect(ctx, env.Stack, o); err == nil && v.found && v.stale == "" && o.WaitForLock > 0 {
		fmt.Fprintf(o.Progress, "waiting for the lock of %s (held by %s); terraform retries for up to %s\n", env.Stack, v.holder, o.WaitForLock.Round(time.Second))
	}
	r, err := t.workdir(ctx, env.Stack)
	if err != nil {
		return nil, "", err
	}
	varFile, err := t.ready(ctx, r, env, o, create)
	if err != nil {
		r.cleanup()
		return nil, "", err
	}
	return r, varFile, nil
}

func (t *Engine) ready(ctx context.Context, r *runDir, env stacks.Env, o automation.Options, create bool) (string, error) {
	if err := t.selectWorkspace(ctx, r, env.Stack, create, o); err != nil {
		return "", err
	}
	st, err := t.readState(ctx, env.Stack)
	if err != nil {
		return "", err
	}
	vars, err := t.vars(ctx, automation.Dated(env, st.CreatedAt, st.ExpiresAt, t.cfg.TTLFromUpdate, o))
	if err != nil {
		return "", err
	}
	return r.writeVars(vars)
}
