package comment

import (
	"fmt"
	"strings"
	"time"
)

// Tests is what the Action's test-command did against the environment.
type Tests struct {
	// Ran is false when the environment never became ready, so the tests
	// did not run.
	Ran      bool
	ExitCode int
	TimedOut bool
	Duration time.Duration
	// Tail is the end of the tests' output, a line each, with the secrets
	// the caller knows already masked: the comment is public.
	Tail []string
}

// Passed reports whether the tests ran and passed.
func (t Tests) Passed() bool { return t.Ran && !t.TimedOut && t.ExitCode == 0 }

// Health is how the environment's URL answered its health path when the
// run ended.
type Health struct {
	Path   string
	Status int // the HTTP status; 0 when nothing answered
}

// tailLineLimit bounds each line of the tests' output in the comment.
const tailLineLimit = 300

func (t Tests) text() string {
	took := t.Duration.Round(100 * time.Millisecond)
	switch {
	case !t.Ran:
		return "⏭️ not run: the environment was not ready"
	case t.TimedOut:
		return fmt.Sprintf("⏱️ timed out after %s", took)
	case t.ExitCode != 0:
		return fmt.Sprintf("❌ failed with exit code %d after %s", t.ExitCode, took)
	default:
		return fmt.Sprintf("✅ passed in %s", took)
	}
}

func (h Health) text() string {
	switch {
	case h.Status == 0:
		return fmt.Sprintf("❌ `%s` is not answering", oneLine(h.Path))
	case h.Status/100 == 2:
		return fmt.Sprintf("✅ `%s` answered %d", oneLine(h.Path), h.Status)
	default:
		return fmt.Sprintf("❌ `%s` answered %d", oneLine(h.Path), h.Status)
	}
}

// output is the tests' last lines, folded away when they passed.
func (t Tests) output() string {
	if len(t.Tail) == 0 {
		return ""
	}
	var b strings.Builder
	open := ""
	if !t.Passed() {
		open = " open"
	}
	fmt.Fprintf(&b, "\n<details%s><summary>Test output (last %d lines)</summary>\n\n```\n", open, len(t.Tail))
	for _, line := range t.Tail {
		b.WriteString(truncate(strings.ReplaceAll(line, "```", "'''"), tailLineLimit) + "\n")
	}
	b.WriteString("```\n</details>\n")
	return b.String()
}
