package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStatelessBlueprintRefusals: prenv golden, prenv anonymize and prenv
// render --database-source name a blueprint without a database section in
// one line, before touching any database.
func TestStatelessBlueprintRefusals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bp, awsBP := filepath.Join(dir, "prenv.yaml"), filepath.Join(dir, "aws.yaml")
	for path, src := range map[string]string{
		bp: "project: nodb\ntarget: local\nservices:\n  - {name: web, run: ./web}\n",
		awsBP: "project: nodb\ntarget: aws\nservices:\n  - {name: web, image: example.com/web}\ndns: {domain: preview.example.com}\n" +
			"aws: {region: eu-west-1, gateway: istio-system/preview, gateway-hostname: lb.example.com, hosted-zone-id: Z1}\n",
	} {
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		{"golden", "--blueprint", bp},
		{"anonymize", "--blueprint", bp, "--database-url", "postgres://127.0.0.1:1/none"},
		{"render", "--blueprint", awsBP, "--pr", "1", "--repo", "acme/shop", "--database-source", "rds-snapshot"},
	} {
		var stderr bytes.Buffer
		app := &App{Getenv: func(string) string { return "" }, Stdout: &bytes.Buffer{}, Stderr: &stderr}
		code := app.Run(t.Context(), args)
		msg := strings.TrimSpace(stderr.String())
		if code != ExitUsage || !strings.Contains(msg, " has no database section") || strings.Contains(msg, "\n") {
			t.Errorf("prenv %s on a stateless blueprint: exit %d, %q; want exit 2 and one line naming the missing database section", args[0], code, msg)
		}
	}
}
