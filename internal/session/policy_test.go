package session_test

import (
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/session"
	"github.com/prenv/prenv/stacks"
)

// The aws target's policy judges every up and preview before any engine
// is built, whichever engine the blueprint names.
func TestAWSPolicyRunsOnEveryEngine(t *testing.T) {
	for _, engine := range []stacks.EngineName{stacks.EnginePulumi, stacks.EngineTerraform} {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			env := map[string]string{
				"PRENV_HOME": t.TempDir(), "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
				"GITHUB_REPOSITORY": "acme/shop", "PRENV_ANONYMIZE_SALT": "salt",
				// No engine binary exists: were the policy skipped, Open
				// would fail on the missing CLI instead.
				"PRENV_PULUMI": "/nonexistent/pulumi", "PRENV_TERRAFORM": "/nonexistent/terraform",
			}
			h := session.Host{Getenv: func(k string) string { return env[k] }}
			_, err := h.Open(t.Context(), session.Options{
				Blueprint: "../../examples/aws/prenv.yaml", PR: "7", Program: true,
				Adjust: func(bp *stacks.Blueprint) error {
					bp.Engine = engine
					bp.AWS.InstanceClass = "db.r6g.16xlarge" // not in the allowed classes
					return nil
				},
			})
			if err == nil || !strings.Contains(err.Error(), "policy rules") || !strings.Contains(err.Error(), "db.r6g.16xlarge") {
				t.Fatalf("Open = %v, want the policy's refusal naming db.r6g.16xlarge", err)
			}
			if !stacks.IsInput(err) {
				t.Errorf("the refusal is not an input error, so the CLI would not exit 2: %v", err)
			}
		})
	}
}

// A target name the binary lacks is refused with the names it has.
func TestUnknownTargetNamesTheKnownOnes(t *testing.T) {
	env := map[string]string{"PRENV_HOME": t.TempDir()}
	h := session.Host{Getenv: func(k string) string { return env[k] }}
	_, err := h.Open(t.Context(), session.Options{
		Blueprint: "../../examples/aws/prenv.yaml",
		Adjust:    func(bp *stacks.Blueprint) error { bp.Target = "gcp"; return nil },
	})
	if err == nil || !strings.Contains(err.Error(), `target "gcp" is not available in this build: use one of aws, local, none`) {
		t.Fatalf("Open = %v, want the unknown target named with the known ones", err)
	}
}
