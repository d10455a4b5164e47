package session

import (
	"context"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/events"
	"github.com/prenv/prenv/stacks"
)

// recorder is the session's event recorder: every up, refresh and destroy
// of its engine, and every reap, writes an event into the state backend.
func (h Host) recorder(s *Session, o Options) *events.Recorder {
	run, _ := h.RunInfo() // a malformed run was refused before any operation, by LockOptions
	r := &events.Recorder{
		Store: events.Log{URL: s.Backend}, Engine: s.Blueprint.Engine, Target: s.Blueprint.Target,
		Trigger: o.Trigger, Run: run,
		Warn: func(err error) { h.warn(err.Error()) },
	}
	if r.Trigger == "" {
		r.Trigger = events.TriggerCLI
	}
	if sizer, ok := s.Target.(stacks.Sizer); ok {
		bp := s.Blueprint
		r.Footprint = func(env stacks.Env) (stacks.Footprint, error) { return sizer.Footprint(bp, env) }
	}
	if o.WaitForURL > 0 {
		health := healthPath(s.Blueprint)
		r.WaitForURL = func(ctx context.Context, res automation.Result) error {
			url, _ := res.Outputs["url"].Value.(string)
			if res.Outputs["url"].Secret {
				url = ""
			}
			return waitForURL(ctx, url, health, o.WaitForURL)
		}
	}
	return r
}

// healthPath is the entry service's health path, which wait-for-url polls.
func healthPath(bp *stacks.Blueprint) string {
	if e := bp.EntryService(); e != nil && e.Health != "" {
		return e.Health
	}
	return stacks.DefaultHealth
}

// warn writes one warning: to Warnings when set, else as a notice.
func (h Host) warn(msg string) {
	if h.Warnings != nil {
		h.Warnings(msg)
		return
	}
	h.notice("warning: " + msg)
}
