package comment

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/prenv/prenv/automation"
)

// Report is what the PR comment and the step summary say about one
// environment. Every field comes from prenv's own state and the
// blueprint, never from the event's free text (titles, branch names).
type Report struct {
	Env       string
	Status    Status
	URL       string
	ExpiresAt time.Time
	Duration  time.Duration
	Changes   map[string]int
	Sandboxed []string // services the environment runs itself
	Baseline  []string // services it borrows from the baseline
	Database  string   // where its database comes from
	Outputs   map[string]automation.Output
	Error     string
	Notices   []string // what a reviewer should know of how the run went, a line each
	Note      string   // what to do next, e.g. how to recreate it
	Log       string   // the run's progress, for the details
	// Tests and Health, when set, are the test-command's result and how
	// the URL answered at the end of the run.
	Tests  *Tests
	Health *Health
	// Lifetime, when set, replaces Expires for an environment that ends
	// with its job, saying so.
	Lifetime string
}

// Status is what became of an environment in one run.
type Status string

// The statuses a report can carry.
const (
	StatusReady     Status = "ready"
	StatusFailed    Status = "failed"
	StatusDestroyed Status = "destroyed"
	StatusExpired   Status = "expired"
	StatusSkipped   Status = "skipped"
	StatusPlanned   Status = "planned"
)

var statusLine = map[Status]string{
	StatusReady:     "✅ Preview environment `%s` is ready",
	StatusFailed:    "❌ Preview environment `%s` failed",
	StatusDestroyed: "🗑️ Preview environment `%s` was destroyed",
	StatusExpired:   "⌛ Preview environment `%s` expired and was removed",
	StatusSkipped:   "⏭️ Preview environment `%s` was skipped",
	StatusPlanned:   "📝 Preview of environment `%s`",
}

// Markdown renders the report, summary first, then a diagram of the
// environment, then the details, within limit characters: the log is cut
// first, then the outputs, and a note says what was cut.
func (r Report) Markdown(limit int) string {
	head := r.summary() + r.testOutput() + r.diagram()
	details := r.details()
	if len(head)+len(details) <= limit {
		return head + details
	}
	const cutNote = "\n\n_%d characters of details were cut to fit GitHub's comment limit; the run's log has them all._\n"
	// The cut details keep their ending: a code block and the <details>
	// element closed, so the rest of the comment renders.
	const closing = "\n```\n</details>\n"
	room := limit - len(head) - len(cutNote) - len(closing) - 20
	if room <= 0 {
		return truncate(head, limit-len(cutNote)-20) + fmt.Sprintf(cutNote, len(details))
	}
	cut := truncate(details, room)
	if strings.Count(cut, "```")%2 == 1 {
		cut += "\n```"
	}
	return head + cut + "\n</details>\n" + fmt.Sprintf(cutNote, len(details)-room)
}

func (r Report) summary() string {
	var b strings.Builder
	line, ok := statusLine[r.Status]
	if !ok {
		line = "Preview environment `%s`: " + string(r.Status)
	}
	fmt.Fprintf(&b, "### "+line+"\n\n", r.Env)
	b.WriteString("| | |\n|---|---|\n")
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "| %s | %s |\n", k, v)
		}
	}
	row("URL", r.URL)
	switch {
	case r.Lifetime != "":
		row("Lifetime", r.Lifetime)
	case !r.ExpiresAt.IsZero() && r.Status != StatusDestroyed && r.Status != StatusExpired:
		row("Expires", r.ExpiresAt.UTC().Format("2006-01-02 15:04 MST"))
	}
	if r.Duration > 0 {
		row("Took", r.Duration.Round(100*time.Millisecond).String())
	}
	row("Resources", changesText(r.Changes))
	row("Sandboxed", codeList(r.Sandboxed))
	row("From baseline", codeList(r.Baseline))
	row("Database", r.Database)
	if r.Tests != nil {
		row("Tests", r.Tests.text())
	}
	if r.Health != nil {
		row("URL health", r.Health.text())
	}
	if r.Error != "" {
		row("Error", "`"+oneLine(r.Error)+"`")
	}
	for _, n := range r.Notices {
		fmt.Fprintf(&b, "\n⚠️ %s\n", oneLine(n))
	}
	if r.Note != "" {
		fmt.Fprintf(&b, "\n%s\n", r.Note)
	}
	return b.String()
}

func (r Report) testOutput() string {
	if r.Tests == nil {
		return ""
	}
	return r.Tests.output()
}

// diagram is a mermaid graph of the environment's services and database.
func (r Report) diagram() string {
	if len(r.Sandboxed)+len(r.Baseline) == 0 || r.Status == StatusDestroyed || r.Status == StatusExpired {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n```mermaid\ngraph LR\n")
	fmt.Fprintf(&b, "  user((reviewer)) --> env[%s]\n", r.Env)
	for _, s := range r.Sandboxed {
		fmt.Fprintf(&b, "  env --> %s[%s: this PR]\n", nodeID(s), s)
	}
	for _, s := range r.Baseline {
		fmt.Fprintf(&b, "  env -.-> %s[%s: baseline]\n", nodeID(s), s)
	}
	if r.Database != "" {
		fmt.Fprintf(&b, "  env --> db[(%s)]\n", strings.NewReplacer("[", "", "]", "", "(", "", ")", "").Replace(r.Database))
	}
	b.WriteString("```\n")
	return b.String()
}

func (r Report) details() string {
	if len(r.Outputs) == 0 && r.Log == "" {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n<details><summary>Details</summary>\n\n")
	if len(r.Outputs) > 0 {
		b.WriteString("| Output | Value |\n|---|---|\n")
		for _, k := range slices.Sorted(maps.Keys(r.Outputs)) {
			v := fmt.Sprint(r.Outputs[k].Value)
			if r.Outputs[k].Secret {
				v = "[secret]"
			}
			fmt.Fprintf(&b, "| `%s` | `%s` |\n", k, oneLine(v))
		}
	}
	if r.Log != "" {
		fmt.Fprintf(&b, "\n```\n%s\n```\n", strings.ReplaceAll(r.Log, "```", "'''"))
	}
	b.WriteString("\n</details>\n")
	return b.String()
}

func changesText(c map[string]int) string {
	var parts []string
	for _, op := range slices.Sorted(maps.Keys(c)) {
		if c[op] > 0 && op != "same" {
			parts = append(parts, fmt.Sprintf("%d %s", c[op], op))
		}
	}
	if len(parts) == 0 && len(c) > 0 {
		return "no changes"
	}
	return strings.Join(parts, ", ")
}

func codeList(items []string) string {
	var out []string
	for _, s := range items {
		out = append(out, "`"+s+"`")
	}
	return strings.Join(out, ", ")
}

func nodeID(s string) string { return "svc_" + strings.ReplaceAll(s, "-", "_") }

// oneLine keeps a value on one table row.
func oneLine(s string) string {
	s = strings.NewReplacer("\r", " ", "\n", " ", "|", "\\|", "`", "'").Replace(s)
	return truncate(s, 500)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// CommentLimit is the longest comment prenv writes: below GitHub's 65,536
// characters, with room for the hidden marker.
const CommentLimit = 65000
