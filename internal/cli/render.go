package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/prenv/prenv/internal/session"
	"github.com/prenv/prenv/stacks"

	"github.com/prenv/prenv/automation"
)

// resultJSON is the one object --json prints.
type resultJSON struct {
	Env        string            `json:"env"`
	Stack      string            `json:"stack"`
	Engine     stacks.EngineName `json:"engine"`
	Target     stacks.TargetName `json:"target"`
	URL        string            `json:"url"`
	Outputs    map[string]any    `json:"outputs"`
	Changes    map[string]int    `json:"changes"`
	DurationMS int64             `json:"duration_ms"`
}

// secretMask stands in for secret output values in anything prenv prints.
const secretMask = "[secret]"

func (a *App) notice(msg string) { fmt.Fprintln(a.Stderr, "prenv: "+msg) }

func (a *App) printResult(f *envFlags, s *session.Session, res automation.Result) error {
	outs := plainOutputs(res.Outputs)
	url, _ := outs["url"].(string)
	if f.json {
		changes := res.Changes
		if changes == nil {
			changes = map[string]int{}
		}
		return writeJSON(a.Stdout, resultJSON{
			Env: s.Env.Name, Stack: res.Stack, Engine: s.Blueprint.Engine, Target: s.Blueprint.Target,
			URL: url, Outputs: outs, Changes: changes, DurationMS: res.Duration.Milliseconds(),
		})
	}
	fmt.Fprintf(a.Stdout, "%s: %s done in %.1fs (%s)\n", s.Env.Name, res.Op, res.Duration.Seconds(), res.Summary())
	if url != "" {
		fmt.Fprintf(a.Stdout, "  url: %s\n", url)
	}
	delete(outs, "url")
	printOutputs(a.Stdout, outs)
	return nil
}

// plainOutputs returns output values with secrets masked.
func plainOutputs(outs map[string]automation.Output) map[string]any {
	m := make(map[string]any, len(outs))
	for k, o := range outs {
		if o.Secret {
			m[k] = secretMask
		} else {
			m[k] = o.Value
		}
	}
	return m
}

func printOutputs(w io.Writer, outs map[string]any) {
	for _, k := range slices.Sorted(maps.Keys(outs)) {
		fmt.Fprintf(w, "  %s: %v\n", k, outs[k])
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
