package terraform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/automation/internal/progressline"
)

// uiStream reads terraform's machine-readable UI (-json), one message a
// line, prints a line per resource operation to w, and keeps what the
// result needs: change counts, outputs and error diagnostics.
type uiStream struct {
	w           io.Writer
	mu          sync.Mutex
	buf         bytes.Buffer
	changes     map[string]int
	outputs     map[string]automation.Output
	diagnostics []string
}

func newUIStream(w io.Writer) *uiStream { return &uiStream{w: w} }

// uiMessage is the part of a machine-readable UI message prenv reads.
type uiMessage struct {
	Type    string `json:"type"`
	Message string `json:"@message"`
	Hook    struct {
		Resource struct {
			Addr string `json:"addr"`
		} `json:"resource"`
		Action string `json:"action"`
		Output string `json:"output"`
	} `json:"hook"`
	Change struct {
		Resource struct {
			Addr string `json:"addr"`
		} `json:"resource"`
		Action string `json:"action"`
	} `json:"change"`
	Changes *struct {
		Add, Change, Import, Remove int
		Operation                   string
	} `json:"changes"`
	Outputs    map[string]outputMeta `json:"outputs"`
	Diagnostic *struct {
		Severity, Summary, Detail string
	} `json:"diagnostic"`
}

type outputMeta struct {
	Sensitive bool            `json:"sensitive"`
	Value     json.RawMessage `json:"value"`
}

// Write implements io.Writer; terraform-exec feeds it stdout.
func (s *uiStream) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Write(p)
	for {
		line, err := s.buf.ReadBytes('\n')
		if err != nil { // no newline yet: keep the partial line
			s.buf.Reset()
			s.buf.Write(line)
			return len(p), nil
		}
		s.line(line)
	}
}

func (s *uiStream) line(line []byte) {
	var m uiMessage
	if json.Unmarshal(line, &m) != nil {
		return // not a UI message: only progress
	}
	switch m.Type {
	case "apply_start":
		fmt.Fprintf(s.w, "  %s %s\n", progressline.Verb(operation(m.Hook.Action)), m.Hook.Resource.Addr)
	case "apply_errored":
		fmt.Fprintf(s.w, "  failed to %s %s\n", operation(m.Hook.Action), m.Hook.Resource.Addr)
	case "planned_change":
		if m.Change.Action != "noop" && m.Change.Action != "read" {
			fmt.Fprintf(s.w, "  + %s %s\n", operation(m.Change.Action), m.Change.Resource.Addr)
		}
	case "provision_progress":
		if out := strings.TrimSpace(m.Hook.Output); out != "" {
			fmt.Fprintf(s.w, "    %s: %s\n", m.Hook.Resource.Addr, out)
		}
	case "change_summary":
		if m.Changes != nil {
			s.changes = map[string]int{"create": m.Changes.Add, "update": m.Changes.Change, "delete": m.Changes.Remove}
			if m.Changes.Import > 0 {
				s.changes["import"] = m.Changes.Import
			}
		}
	case "outputs":
		s.outputs = prenvOutputs(m.Outputs, true)
	case "diagnostic":
		if d := m.Diagnostic; d != nil && d.Severity == "error" {
			msg := d.Summary
			if detail := strings.TrimSpace(d.Detail); detail != "" {
				msg += ": " + detail
			}
			s.diagnostics = append(s.diagnostics, msg)
			fmt.Fprintf(s.w, "  error: %s\n", progressline.FirstLine(msg))
		} else if d != nil && d.Severity == "warning" && !strings.Contains(d.Summary, "undeclared variable") {
			fmt.Fprintf(s.w, "  warning: %s\n", d.Summary)
		}
	}
}

// result returns what the stream kept, once terraform has exited.
func (s *uiStream) result() (map[string]int, map[string]automation.Output, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.buf.Len() > 0 {
		s.line(s.buf.Bytes())
		s.buf.Reset()
	}
	return s.changes, s.outputs, s.diagnostics
}

// operation names a Terraform change action as Pulumi's operations are named.
func operation(a string) string {
	switch a {
	case "create":
		return "create"
	case "update":
		return "update"
	case "delete":
		return "delete"
	case "replace", "create-then-delete", "delete-then-create":
		return "replace"
	default:
		return a
	}
}
