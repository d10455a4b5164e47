package pulumi

import (
	"context"
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// Up creates env's stack if needed and brings it to the program's state,
// after installing the pinned plugins that are missing (Config.Plugins).
//
// Up is the hot path of every PR push, so it makes one pulumi run: it
// serves the inline program itself and reads outputs and changes from the
// run's event stream, where auto.Stack.Up would add select, output and
// history runs.
func (p *Engine) Up(ctx context.Context, env stacks.Env, opts ...automation.Option) (automation.Result, error) {
	o := automation.Resolve(opts)
	start := time.Now()
	res := automation.Result{Stack: env.Stack, Op: "up"}
	if err := p.ensurePlugins(ctx, o.Progress); err != nil { // before the lock: a download may be long
		res.Duration = time.Since(start)
		return res, err
	}
	recovered, err := p.withLock(ctx, env.Stack, o, func() error { return p.up(ctx, env, o, &res) })
	res.Recovered = append(recovered, res.Recovered...)
	res.Duration = time.Since(start)
	return res, err
}

func (p *Engine) up(ctx context.Context, env stacks.Env, o automation.Options, res *automation.Result) error {
	ws, cleanup, err := p.workspace(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	h, program, err := p.prepare(ctx, ws, env, o.ExtendTo.IsZero(), o) // an extension never creates a stack
	if err != nil {
		return err
	}
	client, stopProgram, err := ServeProgram(program)
	if err != nil {
		return fmt.Errorf("serve the program of %s: %w", env.Stack, err)
	}
	defer stopProgram()
	ch := make(chan events.EngineEvent)
	eventLog, stopEvents, err := serveEvents(ch)
	if err != nil {
		return fmt.Errorf("receive the events of %s: %w", env.Stack, err)
	}
	pr := watch(o.Progress, ch)
	stdout, stderr, _, err := p.cli.Run(ctx, ws.WorkDir(), nil, nil, nil, envList(ws), upArgs(env.Stack, p.cfg.Project, client, eventLog, o)...)
	stopEvents()
	pr.wait()
	if err != nil {
		return classify(ctx, env.Stack, fmt.Errorf("%w\nstdout: %s\nstderr: %s", err, stdout, stderr))
	}
	res.Recovered = h.recovered
	if len(h.recovered) == 0 { // the state file said nothing: trust the engine's warning
		res.Recovered = pr.recovered
	}
	res.Changes, res.Outputs = pr.changes, pr.outputs
	return nil
}

// upArgs builds the pulumi command line of one update.
func upArgs(stack, project, client, eventLog string, o automation.Options) []string {
	args := []string{"up", "--yes", "--skip-preview", "--stack", stack,
		"--client=" + client, "--exec-kind=" + execKindInline, "--event-log", eventLog,
		"--color=never", "--suppress-progress"}
	if o.RefreshFirst {
		args = append(args, "--refresh")
	}
	if o.Message != "" {
		args = append(args, "--message", o.Message)
	}
	if !o.ExtendTo.IsZero() { // an extension moves the stack's outputs alone, whatever else was asked
		return append(args, "--target", stackURN(stack, project))
	}
	for _, t := range o.Targets {
		args = append(args, "--target", t)
	}
	if len(o.Targets) > 0 && o.TargetDependents {
		args = append(args, "--target-dependents")
	}
	return args
}

// stackURN is the URN of a stack's root resource, which holds its outputs.
func stackURN(stack, project string) string {
	return fmt.Sprintf("urn:pulumi:%s::%s::pulumi:pulumi:Stack::%s-%s", stack, project, project, stack)
}

// execKindInline tells pulumi the program is an Automation API inline one.
const execKindInline = "auto.inline"

// envList is the workspace's environment in exec form.
func envList(ws auto.Workspace) []string {
	var env []string
	for k, v := range ws.GetEnvVars() {
		env = append(env, k+"="+v)
	}
	return env
}
