package events

import (
	"context"
	"fmt"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/naming"
	"github.com/prenv/prenv/stacks"
)

// writeTimeout bounds the write of one event, which happens after the
// operation, whose context may be cancelled by then.
const writeTimeout = 30 * time.Second

// Store keeps events.
type Store interface {
	Append(ctx context.Context, e Event) error
}

// Recorder writes one Event per operation of the engines it wraps.
type Recorder struct {
	Store Store
	// Engine, Target, Trigger and Run are copied into every event; Run
	// is zero outside GitHub Actions.
	Engine  stacks.EngineName
	Target  stacks.TargetName
	Trigger Trigger
	Run     automation.RunInfo
	// Footprint, when set, tells what an environment runs after an up.
	Footprint func(env stacks.Env) (stacks.Footprint, error)
	// WaitForURL, when set, is what an up waits for after the engine's
	// up succeeded, such as the Action's wait-for-url: the up succeeds
	// only if it returns nil, and its time is the event's URLReady.
	WaitForURL func(ctx context.Context, res automation.Result) error
	// Warn receives a failure to record an event; nil drops it.
	Warn func(error)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Wrap returns eng with each up, refresh and destroy of an environment
// recorded. Other stacks (the aws target's routes stack) and other calls
// pass through unrecorded.
func (r *Recorder) Wrap(eng automation.Engine) automation.Engine {
	return &recording{Engine: eng, r: r, teardown: KindDestroy}
}

// WrapReaper returns eng for the reaper: its destroys are recorded as reaps,
// triggered by the reaper, with the expiry the env carries.
func (r *Recorder) WrapReaper(eng automation.Engine) automation.Engine {
	reaper := *r
	reaper.Trigger = TriggerReaper
	return &recording{Engine: eng, r: &reaper, teardown: KindReap}
}

// recording is an engine whose operations a Recorder records.
type recording struct {
	automation.Engine
	r        *Recorder
	teardown Kind
}

func (e *recording) Up(ctx context.Context, env stacks.Env, opts ...automation.Option) (automation.Result, error) {
	kind := KindUp
	if !automation.Resolve(opts).ExtendTo.IsZero() {
		kind = KindExtend
	}
	ev := e.r.begin(env, kind)
	res, err := e.Engine.Up(ctx, env, opts...)
	if err == nil && kind == KindUp && e.r.WaitForURL != nil {
		if err = e.r.WaitForURL(ctx, res); err == nil && ev != nil {
			ev.URLReady = Seconds(e.r.now().Sub(ev.Start))
		}
	}
	if ev != nil {
		ev.ExpiresAt = outputTime(res.Outputs, automation.OutputExpiresAt)
	}
	if ev != nil && kind == KindUp {
		created := outputTime(res.Outputs, automation.OutputCreatedAt)
		ev.First = !created.IsZero() && created.Equal(env.CreatedAt.UTC().Truncate(time.Second))
		ev.Footprint = e.r.footprint(env)
	}
	e.r.finish(ctx, ev, res, err)
	return res, err
}

func (e *recording) Refresh(ctx context.Context, env stacks.Env, opts ...automation.Option) (automation.Result, error) {
	ev := e.r.begin(env, KindRefresh)
	res, err := e.Engine.Refresh(ctx, env, opts...)
	e.r.finish(ctx, ev, res, err)
	return res, err
}

func (e *recording) Destroy(ctx context.Context, env stacks.Env, opts ...automation.Option) (automation.Result, error) {
	ev := e.r.begin(env, e.teardown)
	if ev != nil && e.teardown == KindReap {
		ev.ExpiresAt = env.ExpiresAt
	}
	res, err := e.Engine.Destroy(ctx, env, opts...)
	e.r.finish(ctx, ev, res, err)
	return res, err
}

// begin starts env's event of kind; nil for a stack that is no
// environment.
func (r *Recorder) begin(env stacks.Env, kind Kind) *Event {
	if _, isPR := naming.PRFromEnv(env.Name); !isPR && env.Name != stacks.BaselineName {
		return nil
	}
	ev := &Event{
		Version: Version, Project: env.Project, Env: env.Name, PR: env.PR, Engine: r.Engine, Target: r.Target,
		Kind: kind, Start: r.now().UTC(), Trigger: r.Trigger,
	}
	if !r.Run.IsZero() {
		ev.Run = &Run{Repo: r.Run.Repo, ID: r.Run.RunID, Attempt: r.Run.Attempt, Job: r.Run.Job}
	}
	return ev
}

// finish completes ev with the operation's outcome and writes it. A write
// that fails is a warning.
func (r *Recorder) finish(ctx context.Context, ev *Event, res automation.Result, err error) {
	if ev == nil {
		return
	}
	ev.End, ev.Result, ev.Changes = r.now().UTC(), Classify(ctx, err), res.Changes
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	if werr := r.Store.Append(wctx, *ev); werr != nil && r.Warn != nil {
		r.Warn(fmt.Errorf("the %s of %s was not recorded for prenv stats: %w", ev.Kind, ev.Env, werr))
	}
}

// footprint is what env runs, or nil when the target cannot tell.
func (r *Recorder) footprint(env stacks.Env) *stacks.Footprint {
	if r.Footprint == nil {
		return &stacks.Footprint{}
	}
	f, err := r.Footprint(env)
	if err != nil {
		if r.Warn != nil {
			r.Warn(fmt.Errorf("what %s runs was not recorded for prenv stats: %w", env.Name, err))
		}
		return nil
	}
	return &f
}

func (r *Recorder) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

// outputTime reads a lifetime output; zero when it is missing.
func outputTime(outs map[string]automation.Output, key string) time.Time {
	s, _ := outs[key].Value.(string)
	t, _ := time.Parse(time.RFC3339, s)
	return t
}
