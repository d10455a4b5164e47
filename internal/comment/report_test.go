package comment

import (
	"strings"
	"testing"

	"github.com/prenv/prenv/automation"
)

func TestReportFitsTheLimit(t *testing.T) {
	t.Parallel()
	r := Report{
		Env: "pr-7", Status: StatusReady, URL: "http://pr-7.example", Sandboxed: []string{"web"}, Baseline: []string{"users"},
		Outputs: map[string]automation.Output{"password": {Value: "hunter2", Secret: true}, "url": {Value: "http://pr-7.example"}},
		Log:     strings.Repeat("a line of progress\n", 10000),
	}
	full := r.Markdown(1 << 20)
	if strings.Contains(full, "hunter2") || !strings.Contains(full, "[secret]") {
		t.Error("a secret output's value is in the report")
	}
	if !strings.HasPrefix(full, "### ✅ Preview environment `pr-7` is ready") || !strings.Contains(full, "```mermaid") {
		t.Errorf("the report does not lead with the summary and diagram:\n%s", full[:300])
	}
	capped := r.Markdown(CommentLimit)
	if strings.Count(capped, "```")%2 != 0 || strings.Count(capped, "<details>") != strings.Count(capped, "</details>") {
		t.Error("the cut report leaves a code block or <details> open")
	}
	if len(capped) > CommentLimit || !strings.Contains(capped, "characters of details were cut") || !strings.Contains(capped, "http://pr-7.example") {
		t.Errorf("capped report: %d characters, cut note present = %v", len(capped), strings.Contains(capped, "were cut"))
	}
}

func TestReportShowsNotices(t *testing.T) {
	t.Parallel()
	r := Report{Env: "pr-7", Status: StatusReady, Sandboxed: []string{"web", "api"}, Notices: []string{"Every service runs its own instance.\nA second line."}}
	md := r.Markdown(CommentLimit)
	if !strings.Contains(md, "\n⚠️ Every service runs its own instance. A second line.\n") {
		t.Errorf("the notice is not one line of its own in:\n%s", md)
	}
	if summary, _, _ := strings.Cut(md, "```mermaid"); !strings.Contains(summary, "⚠️") {
		t.Error("the notice is not in the summary, above the diagram")
	}
}
