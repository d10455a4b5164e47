package events

import (
	"context"
	"encoding/json"
	"time"

	"github.com/prenv/prenv/internal/state"
)

// Log is the event log of the state backend at URL, through
// internal/state: .prenv/events/<project>/<yyyy-mm-dd>/<time>-<env>-<kind>-<random>.json.
type Log struct{ URL string }

// Append implements Store.
func (l Log) Append(ctx context.Context, e Event) error {
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	el, err := state.OpenEventLog(ctx, l.URL)
	if err != nil {
		return err
	}
	defer el.Close()
	_, err = el.Append(ctx, e.Project, e.Start, e.Env+"-"+string(e.Kind), data)
	return err
}

// Since returns project's events that started at or after since, in the
// order they started, and how many could not be read (an event a killed
// run was writing, or one of a later format).
func (l Log) Since(ctx context.Context, project string, since time.Time) ([]Event, int, error) {
	el, err := state.OpenEventLog(ctx, l.URL)
	if err != nil {
		return nil, 0, err
	}
	defer el.Close()
	stored, err := el.Since(ctx, project, since)
	if err != nil {
		return nil, 0, err
	}
	var (
		out        []Event
		unreadable int
	)
	for _, s := range stored {
		var e Event
		if json.Unmarshal(s.Data, &e) != nil || e.Version != Version || e.Env == "" {
			unreadable++
			continue
		}
		if !e.Start.Before(since) {
			out = append(out, e)
		}
	}
	return out, unreadable, nil
}
