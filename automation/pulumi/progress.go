package pulumi

import (
	"fmt"
	"io"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/automation/internal/progressline"
)

// pendingNotice is how the Pulumi engine announces that it is discarding
// the pending operations an interrupted update left behind.
const pendingNotice = "pending operations from previous deployment"

// progress renders engine events as one line each and keeps what the
// result needs: the change counts and what was recovered.
type progress struct {
	w         io.Writer
	changes   map[string]int
	outputs   map[string]automation.Output
	recovered []string
	stop      chan struct{}
	done      chan struct{}
}

// watch consumes events until the channel closes.
func watch(w io.Writer, ch <-chan events.EngineEvent) *progress {
	p := &progress{w: w, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		for {
			select {
			case e, ok := <-ch:
				if !ok {
					return
				}
				p.event(e)
			case <-p.stop:
				return
			}
		}
	}()
	return p
}

// wait returns once every event has been handled. Call it after the
// operation returns: the Automation API has then delivered every event,
// but closes the channel only if pulumi got as far as streaming them.
func (p *progress) wait() {
	close(p.stop)
	<-p.done
}

func (p *progress) event(e events.EngineEvent) {
	switch {
	case e.ResourcePreEvent != nil:
		m := e.ResourcePreEvent.Metadata
		if m.Op != "same" && m.Type != "pulumi:pulumi:Stack" {
			fmt.Fprintf(p.w, "  %s %s %s\n", progressline.Verb(string(m.Op)), m.Type, urnName(m.URN))
		}
	case e.ResOutputsEvent != nil:
		m := e.ResOutputsEvent.Metadata
		if m.Type == "pulumi:pulumi:Stack" && m.New != nil {
			p.outputs = map[string]automation.Output{}
			for k, v := range m.New.Outputs {
				p.outputs[k] = automation.Output{Value: v, Secret: isSecret(v)}
			}
		}
	case e.ResOpFailedEvent != nil:
		m := e.ResOpFailedEvent.Metadata
		fmt.Fprintf(p.w, "  failed to %s %s %s\n", m.Op, m.Type, urnName(m.URN))
	case e.DiagnosticEvent != nil:
		d := e.DiagnosticEvent
		msg := strings.TrimSpace(d.Message)
		if strings.Contains(msg, pendingNotice) {
			p.recovered = append(p.recovered, "cleared the pending operations an interrupted update left: "+pendingList(msg))
		}
		switch {
		case d.Severity == "error" || d.Severity == "warning":
			fmt.Fprintf(p.w, "  %s: %s\n", d.Severity, progressline.FirstLine(msg))
		case d.Severity == "info" && !d.Ephemeral && strings.HasPrefix(urnType(d.URN), "prenv:"):
			// What prenv's own resources report, such as the time a PR's
			// migrations and their anonymisation took.
			fmt.Fprintf(p.w, "  %s: %s\n", urnName(d.URN), progressline.FirstLine(msg))
		}
	case e.SummaryEvent != nil:
		p.changes = map[string]int{}
		for op, n := range e.SummaryEvent.ResourceChanges {
			p.changes[string(op)] = n
		}
	}
}

// urnType returns a URN's resource type, the last of its parent-qualified
// types: urn:pulumi:<stack>::<project>::<parent$type>::<name>.
func urnType(urn string) string {
	parts := strings.Split(urn, "::")
	if len(parts) < 4 {
		return ""
	}
	qualified := parts[len(parts)-2]
	return qualified[strings.LastIndex(qualified, "$")+1:]
}

// urnName returns the resource name at the end of a URN.
func urnName(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}

// pendingList picks the "* <urn>, interrupted while <op>" lines out of the
// engine's pending-operations warning.
func pendingList(msg string) string {
	var ops []string
	for _, line := range strings.Split(msg, "\n") {
		if l, ok := strings.CutPrefix(strings.TrimSpace(line), "* "); ok {
			ops = append(ops, urnName(l))
		}
	}
	return strings.Join(ops, "; ")
}

// secretSig marks a secret value in engine events, whose ciphertext the
// events show as SecretPlaceholder.
const secretSig = "4dabf18193072939515e22adb298388d"

func isSecret(v any) bool {
	if m, ok := v.(map[string]any); ok {
		_, ok := m[secretSig]
		return ok
	}
	return v == automation.SecretPlaceholder
}
