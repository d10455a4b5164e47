package terraform

import (
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
)

func TestParseLockInfo(t *testing.T) {
	t.Parallel()
	text := `Error: Error acquiring the state lock

Error message: resource temporarily unavailable
Lock Info:
  ID:        5e1b2c1d-0000-0000-0000-000000000000
  Path:      /state/pr-1/terraform.tfstate
  Operation: OperationTypeApply
  Who:       runner@ci-host
  Version:   1.11.4
  Created:   2026-11-21 10:00:00.123456789 +0000 UTC
  Info:
`
	got := parseLockInfo(text)
	want := automation.LockHolder{URL: "file:///state/pr-1/terraform.tfstate", User: "runner", Host: "ci-host",
		Since: time.Date(2026, 11, 21, 10, 0, 0, 123456789, time.UTC)}
	if len(got) != 1 || got[0].URL != want.URL || got[0].User != want.User || got[0].Host != want.Host || !got[0].Since.Equal(want.Since) {
		t.Errorf("parseLockInfo = %+v, want [%+v]", got, want)
	}
	s3 := strings.Replace(text, "/state/pr-1/terraform.tfstate", "team-state/terraform/shop/pr-1/terraform.tfstate", 1)
	if got := parseLockInfo(s3); len(got) != 1 || got[0].URL != "s3://team-state/terraform/shop/pr-1/terraform.tfstate.tflock" {
		t.Errorf("parseLockInfo of the s3 backend's lock = %+v, want its lock file named", got)
	}
	if got := parseLockInfo("Error: something else"); got != nil {
		t.Errorf("parseLockInfo of another error = %+v, want none", got)
	}
}

func TestErrorBlocks(t *testing.T) {
	t.Parallel()
	text := "exit status 1\n\nError: Invalid value for variable\n\n  on main.tf line 3:\n   3: variable \"pr_number\" {\n\nThe value is wrong.\n\nError: Second\n"
	got := errorBlocks(text)
	want := []string{`Invalid value for variable: on main.tf line 3: 3: variable "pr_number" {`, "Second"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("errorBlocks = %q, want %q", got, want)
	}
}
