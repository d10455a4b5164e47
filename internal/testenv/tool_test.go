package testenv_test

import (
	"os"
	"os/exec"
	"regexp"
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

// toolHelpers are the helpers that need a real tool, with the make target
// each names.
var toolHelpers = []struct {
	name, target string
	call         func(testing.TB)
}{
	{"Pulumi", "make tools", func(t testing.TB) { testenv.Pulumi(t) }},
	{"Prenv", "make build", func(t testing.TB) { testenv.Prenv(t) }},
	{"Terraform", "make tools", func(t testing.TB) { testenv.Terraform(t) }},
	{"KubeAPIServer", "make tools test-deps", func(t testing.TB) { testenv.KubeAPIServer(t) }},
	{"PostgresBinaries", "make test-deps", func(t testing.TB) { testenv.PostgresBinaries(t) }},
	{"Postgres", "make test-deps", func(t testing.TB) { testenv.Postgres(t) }},
	{"S3", "make test-deps", func(t testing.TB) { testenv.S3(t) }},
}

// childEnv marks the -short run of this test binary that the test starts.
const childEnv = "PRENV_TESTENV_SHORT_CHILD"

// TestToolHelpersSkipUnderShort: under -short every tool helper skips its
// test with a message naming the make target, whether or not the tool is
// there. It checks a -short run of this test binary, so that `make test`,
// which runs without -short, checks it too.
func TestToolHelpersSkipUnderShort(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		for _, h := range toolHelpers {
			t.Run(h.name, func(t *testing.T) {
				h.call(t)
				t.Errorf("testenv.%s returned under -short instead of skipping", h.name)
			})
		}
		return
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.short", "-test.v", "-test.count=1", "-test.run=^TestToolHelpersSkipUnderShort$")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the -short run failed: %v\n%s", err, out)
	}
	for _, h := range toolHelpers {
		name := regexp.QuoteMeta("TestToolHelpersSkipUnderShort/" + h.name)
		message := regexp.MustCompile(`=== RUN\s+` + name + `\n[^\n]*run ` + "`" + regexp.QuoteMeta(h.target) + "`")
		skipped := regexp.MustCompile(`--- SKIP: ` + name + ` `)
		if !message.Match(out) || !skipped.Match(out) {
			t.Errorf("testenv.%s did not skip naming `%s` under -short:\n%s", h.name, h.target, out)
		}
	}
}
