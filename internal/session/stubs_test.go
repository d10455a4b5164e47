package session_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/session"
	"github.com/prenv/prenv/stacks"
)

const awsStubBlueprint = `project: shop
target: aws
engine: terraform
dns: {domain: preview.example.com}
aws: {region: eu-west-1, gateway: istio-system/preview, gateway-hostname: lb.example.com, hosted-zone-id: Z1, stub-image: ghcr.io/prenv/prenv:v1.0.0}
services:
  - {name: payments, entry: true, stub: {mappings: stubs/payments}}
`

// modules/aws has no stub Deployment: a stub with engine terraform on aws
// is refused in one input error line before terraform runs.
func TestStubOnAWSWithTerraformIsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	blueprint := filepath.Join(dir, "prenv.yaml")
	if err := os.WriteFile(blueprint, []byte(awsStubBlueprint), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"PRENV_HOME": t.TempDir(), "GITHUB_REPOSITORY": "acme/shop", "PRENV_TERRAFORM": "/nonexistent/terraform"}
	h := session.Host{Getenv: func(k string) string { return env[k] }}
	_, err := h.Open(t.Context(), session.Options{Blueprint: blueprint, PR: "1"})
	if !stacks.IsInput(err) || !strings.Contains(err.Error(), "stub services are served on the aws target by engine pulumi only") || strings.Contains(err.Error(), "\n") {
		t.Errorf("Open = %v, want one input error line refusing the stub with engine terraform", err)
	}
}
