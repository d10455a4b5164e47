package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStatelessBlueprintRefusals: prenv golden and prenv anonymize name a
// blueprint without a database section in one line, before touching any
// database.
func TestStatelessBlueprintRefusals(t *testing.T) {
	t.Parallel()
	bp := filepath.Join(t.TempDir(), "prenv.yaml")
	if err := os.WriteFile(bp, []byte("project: nodb\ntarget: local\nservices:\n  - {name: web, run: ./web}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"golden", "--blueprint", bp},
		{"anonymize", "--blueprint", bp, "--database-url", "postgres://127.0.0.1:1/none"},
	} {
		var stderr bytes.Buffer
		app := &App{Getenv: func(string) string { return "" }, Stdout: &bytes.Buffer{}, Stderr: &stderr}
		code := app.Run(t.Context(), args)
		msg := strings.TrimSpace(stderr.String())
		if code != ExitUsage || !strings.Contains(msg, bp+" has no database section") || strings.Contains(msg, "\n") {
			t.Errorf("prenv %s on a stateless blueprint: exit %d, %q; want exit 2 and one line naming the missing database section", args[0], code, msg)
		}
	}
}
