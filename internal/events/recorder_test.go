package events_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/events"
	"github.com/prenv/prenv/internal/naming"
	"github.com/prenv/prenv/stacks"
)

// stubEngine answers each call with the result and error it is given,
// as an engine's up of a stack would.
type stubEngine struct {
	automation.Engine
	res automation.Result
	err error
}

func (s stubEngine) Up(context.Context, stacks.Env, ...automation.Option) (automation.Result, error) {
	return s.res, s.err
}

func (s stubEngine) Destroy(context.Context, stacks.Env, ...automation.Option) (automation.Result, error) {
	return s.res, s.err
}

func (s stubEngine) Refresh(context.Context, stacks.Env, ...automation.Option) (automation.Result, error) {
	return s.res, s.err
}

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func env(t *testing.T, name string) stacks.Env {
	t.Helper()
	n, err := naming.ForEnv("shop", name)
	if err != nil {
		t.Fatal(err)
	}
	return stacks.Env{Names: n, Project: "shop", CreatedAt: t0, ExpiresAt: t0.Add(72 * time.Hour)}
}

// lifetime is the outputs an up returns for a stack created at created.
func lifetime(created, expires time.Time) map[string]automation.Output {
	return map[string]automation.Output{
		automation.OutputCreatedAt: {Value: created.Format(time.RFC3339)},
		automation.OutputExpiresAt: {Value: expires.Format(time.RFC3339)},
		"databaseUrl":              {Value: "postgres://u:hunter2@db/shop", Secret: true},
		"url":                      {Value: "http://pr-4.localhost"},
	}
}

func TestRecorder(t *testing.T) {
	t.Parallel()
	locked := &automation.LockedError{Stack: "pr-4", Holders: []automation.LockHolder{{User: "alice", Host: "laptop", PID: 9}}}
	tests := []struct {
		name    string
		call    func(ctx context.Context, r *events.Recorder, eng automation.Engine) error
		eng     stubEngine
		waitErr error
		want    events.Event // Start, End, Engine, Target, Version and Project are checked apart
		wantErr bool
	}{
		{
			name: "first up, URL waited for",
			eng:  stubEngine{res: automation.Result{Changes: map[string]int{"create": 3}, Outputs: lifetime(t0, t0.Add(72*time.Hour))}},
			call: func(ctx context.Context, r *events.Recorder, eng automation.Engine) error {
				_, err := r.Wrap(eng).Up(ctx, env(t, "pr-4"))
				return err
			},
			want: events.Event{Env: "pr-4", PR: 4, Kind: events.KindUp, First: true, Result: events.ResultOK, Changes: map[string]int{"create": 3},
				URLReady: events.Seconds(6 * time.Minute), ExpiresAt: t0.Add(72 * time.Hour), Trigger: "action:up",
				Run: &events.Run{Repo: "acme/shop", ID: 42, Attempt: 1, Job: "preview"}, Footprint: &stacks.Footprint{VCPU: 0.5}},
		},
		{
			name: "update of a stack made earlier",
			eng:  stubEngine{res: automation.Result{Changes: map[string]int{"same": 3}, Outputs: lifetime(t0.Add(-time.Hour), t0.Add(71*time.Hour))}},
			call: func(ctx context.Context, r *events.Recorder, eng automation.Engine) error {
				_, err := r.Wrap(eng).Up(ctx, env(t, "pr-4"))
				return err
			},
			want: events.Event{Env: "pr-4", PR: 4, Kind: events.KindUp, Result: events.ResultOK, Changes: map[string]int{"same": 3},
				URLReady: events.Seconds(6 * time.Minute), ExpiresAt: t0.Add(71 * time.Hour), Trigger: "action:up",
				Run: &events.Run{Repo: "acme/shop", ID: 42, Attempt: 1, Job: "preview"}, Footprint: &stacks.Footprint{VCPU: 0.5}},
		},
		{
			name:    "URL never answered",
			eng:     stubEngine{res: automation.Result{Outputs: lifetime(t0, t0.Add(72*time.Hour))}},
			waitErr: errors.New("http://pr-4.localhost did not answer 2xx within 2m"),
			call: func(ctx context.Context, r *events.Recorder, eng automation.Engine) error {
				_, err := r.Wrap(eng).Up(ctx, env(t, "pr-4"))
				return err
			},
			want: events.Event{Env: "pr-4", PR: 4, Kind: events.KindUp, First: true, Result: events.ResultFailed, ExpiresAt: t0.Add(72 * time.Hour),
				Trigger: "action:up", Run: &events.Run{Repo: "acme/shop", ID: 42, Attempt: 1, Job: "preview"}, Footprint: &stacks.Footprint{VCPU: 0.5}},
			wantErr: true,
		},
		{
			name: "locked up",
			eng:  stubEngine{err: locked},
			call: func(ctx context.Context, r *events.Recorder, eng automation.Engine) error {
				_, err := r.Wrap(eng).Up(ctx, env(t, "pr-4"))
				return err
			},
			want: events.Event{Env: "pr-4", PR: 4, Kind: events.KindUp, Result: events.ResultLocked, Trigger: "action:up",
				Run: &events.Run{Repo: "acme/shop", ID: 42, Attempt: 1, Job: "preview"}, Footprint: &stacks.Footprint{VCPU: 0.5}},
			wantErr: true,
		},
		{
			name: "extend",
			eng:  stubEngine{res: automation.Result{Outputs: lifetime(t0.Add(-time.Hour), t0.Add(96*time.Hour))}},
			call: func(ctx context.Context, r *events.Recorder, eng automation.Engine) error {
				_, err := r.Wrap(eng).Up(ctx, env(t, "pr-4"), automation.Extend(t0.Add(96*time.Hour)))
				return err
			},
			want: events.Event{Env: "pr-4", PR: 4, Kind: events.KindExtend, Result: events.ResultOK, ExpiresAt: t0.Add(96 * time.Hour),
				Trigger: "action:up", Run: &events.Run{Repo: "acme/shop", ID: 42, Attempt: 1, Job: "preview"}},
		},
		{
			name: "refresh of the baseline",
			eng:  stubEngine{res: automation.Result{Changes: map[string]int{"same": 2}}},
			call: func(ctx context.Context, r *events.Recorder, eng automation.Engine) error {
				_, err := r.Wrap(eng).Refresh(ctx, env(t, "baseline"))
				return err
			},
			want: events.Event{Env: "baseline", Kind: events.KindRefresh, Result: events.ResultOK, Changes: map[string]int{"same": 2},
				Trigger: "action:up", Run: &events.Run{Repo: "acme/shop", ID: 42, Attempt: 1, Job: "preview"}},
		},
		{
			name: "destroy cancelled: recorded all the same",
			eng:  stubEngine{err: errors.New("pulumi: signal: interrupt")},
			call: func(ctx context.Context, r *events.Recorder, eng automation.Engine) error {
				ctx, cancel := context.WithCancel(ctx)
				cancel()
				_, err := r.Wrap(eng).Destroy(ctx, env(t, "pr-4"))
				return err
			},
			want: events.Event{Env: "pr-4", PR: 4, Kind: events.KindDestroy, Result: events.ResultCancelled, Trigger: "action:up",
				Run: &events.Run{Repo: "acme/shop", ID: 42, Attempt: 1, Job: "preview"}},
			wantErr: true,
		},
		{
			name: "reap: the reaper's, with the expiry it reaped by",
			eng:  stubEngine{res: automation.Result{Changes: map[string]int{"delete": 3}}},
			call: func(ctx context.Context, r *events.Recorder, eng automation.Engine) error {
				_, err := r.WrapReaper(eng).Destroy(ctx, env(t, "pr-4"))
				return err
			},
			want: events.Event{Env: "pr-4", PR: 4, Kind: events.KindReap, Result: events.ResultOK, Changes: map[string]int{"delete": 3},
				ExpiresAt: t0.Add(72 * time.Hour), Trigger: events.TriggerReaper, Run: &events.Run{Repo: "acme/shop", ID: 42, Attempt: 1, Job: "preview"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			log := events.Log{URL: "file://" + filepath.Join(t.TempDir(), "state")}
			clock := t0
			r := &events.Recorder{
				Store: log, Engine: stacks.EnginePulumi, Target: stacks.TargetLocal, Trigger: events.ActionTrigger("up"),
				Run:       automation.RunInfo{Repo: "acme/shop", RunID: 42, Attempt: 1, Job: "preview"},
				Footprint: func(stacks.Env) (stacks.Footprint, error) { return stacks.Footprint{VCPU: 0.5}, nil },
				// The URL answers five minutes after the engine's up.
				WaitForURL: func(context.Context, automation.Result) error {
					clock = clock.Add(5 * time.Minute)
					return tt.waitErr
				},
				Warn: func(err error) { t.Errorf("warning: %v", err) },
				// Each look at the clock is a minute later: the up starts at t0+1m.
				Now: func() time.Time { clock = clock.Add(time.Minute); return clock },
			}
			if err := tt.call(t.Context(), r, tt.eng); (err != nil) != tt.wantErr {
				t.Fatalf("the operation returned %v; want an error: %v", err, tt.wantErr)
			}
			got, unreadable, err := log.Since(t.Context(), "shop", t0)
			if err != nil || len(got) != 1 || unreadable != 0 {
				t.Fatalf("events = %+v, %d unreadable, %v; want one", got, unreadable, err)
			}
			g := got[0]
			if g.Version != events.Version || g.Project != "shop" || g.Engine != stacks.EnginePulumi || g.Target != stacks.TargetLocal ||
				!g.Start.Equal(t0.Add(time.Minute)) || g.End.Before(g.Start) {
				t.Errorf("event %+v: wrong version, project, engine, target or times", g)
			}
			g.Version, g.Project, g.Engine, g.Target, g.Start, g.End = 0, "", "", "", time.Time{}, time.Time{}
			gotJSON, _ := json.Marshal(g)
			wantJSON, _ := json.Marshal(tt.want)
			if string(gotJSON) != string(wantJSON) {
				t.Errorf("event\n got %s\nwant %s", gotJSON, wantJSON)
			}
		})
	}
}

// TestRecorderKeepsSecretsAndErrorsOut: an event holds no output value
// and no error text.
func TestRecorderKeepsSecretsAndErrorsOut(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state")
	r := &events.Recorder{Store: events.Log{URL: "file://" + dir}, Trigger: events.TriggerCLI}
	ok := stubEngine{res: automation.Result{Outputs: lifetime(t0, t0.Add(time.Hour))}}
	failed := stubEngine{err: errors.New("stack pr-4: password hunter2 rejected")}
	if _, err := r.Wrap(ok).Up(t.Context(), env(t, "pr-4")); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Wrap(failed).Up(t.Context(), env(t, "pr-4")); err == nil {
		t.Fatal("the failed up succeeded")
	}
	stored, _, err := events.Log{URL: "file://" + dir}.Since(t.Context(), "shop", time.Now().Add(-time.Hour))
	if err != nil || len(stored) != 2 {
		t.Fatalf("events = %+v, %v; want two", stored, err)
	}
	for _, e := range stored {
		data, _ := json.Marshal(e)
		for _, leak := range []string{"hunter2", "postgres://", "pr-4.localhost", "rejected"} {
			if strings.Contains(string(data), leak) {
				t.Errorf("event %s holds %q", data, leak)
			}
		}
	}
}

// TestRecorderWarnsOnce: an event that cannot be written is one warning,
// and the operation's own result stands.
func TestRecorderWarnsOnce(t *testing.T) {
	t.Parallel()
	var warnings []error
	r := &events.Recorder{Store: events.Log{URL: "ftp://nowhere"}, Warn: func(err error) { warnings = append(warnings, err) }}
	if _, err := r.Wrap(stubEngine{}).Destroy(t.Context(), env(t, "pr-4")); err != nil {
		t.Errorf("the destroy failed with the event's write: %v", err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0].Error(), "the destroy of pr-4 was not recorded for prenv stats") {
		t.Errorf("warnings = %v; want one naming the operation", warnings)
	}
	routes := stacks.Env{Names: naming.Names{Name: "routes", Stack: "routes"}, Project: "shop"}
	if _, err := r.Wrap(stubEngine{}).Up(t.Context(), routes); err != nil || len(warnings) != 1 {
		t.Errorf("an up of a stack that is no environment: %v, warnings %v; want it passed through unrecorded", err, warnings)
	}
}
