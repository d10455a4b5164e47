package pulumi_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/automation/internal/enginetest"
)

func TestSecretConfigAndMessage(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	backend := t.TempDir()
	eng := newEngineOn(t, "file://"+backend, partsProgram)
	env := enginetest.Env(t, 32)
	const secret = "tok-3f9a1c-never-in-plain-text"
	env.Config = map[string]string{"plain": "visible"}
	env.SecretConfig = map[string]string{"token": secret}

	if _, err := eng.Up(ctx, env, automation.Message("PR #32: add a page")); err != nil {
		t.Fatal(err)
	}
	outs, err := eng.Outputs(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	if outs["plain"].Value != "visible" || outs["plain"].Secret {
		t.Errorf("plain config reached the program as %+v", outs["plain"])
	}
	if outs["token"].Value != secret || !outs["token"].Secret || outs["tokenIsSecret"].Value != true {
		t.Errorf("secret config reached the program as %+v (secret: %v); want its value, as a secret", outs["token"], outs["tokenIsSecret"].Value)
	}
	// The backend holds the update's config, the secret encrypted, and its message.
	history := readHistory(t, backend, env.Stack)
	if !strings.Contains(history, `"message": "PR #32: add a page"`) && !strings.Contains(history, `"message":"PR #32: add a page"`) {
		t.Errorf("the update's history does not hold its message:\n%s", history)
	}
	if !strings.Contains(history, `"secure"`) {
		t.Errorf("the update's history records no secure config:\n%s", history)
	}
	leaked := false
	_ = filepath.Walk(backend, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			data, _ := os.ReadFile(path)
			leaked = leaked || bytes.Contains(data, []byte(secret))
		}
		return nil
	})
	if leaked {
		t.Error("the secret config's value is in the backend in plain text")
	}

	env.Config["token"] = "again"
	if _, err := eng.Preview(ctx, env); err == nil || !strings.Contains(err.Error(), "both as a secret and in plain text") {
		t.Errorf("a key given twice: err = %v", err)
	}
	if _, err := eng.Destroy(ctx, env, automation.Remove()); err != nil {
		t.Fatal(err)
	}
}

// readHistory returns the stack's update history files, joined.
func readHistory(t *testing.T, backend, stack string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(backend, ".pulumi", "history", enginetest.Project, stack, "*.history.json"))
	if len(files) == 0 {
		t.Fatalf("no history files for %s in %s", stack, backend)
	}
	var all strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if json.Unmarshal(data, &v) != nil {
			t.Fatalf("history file %s is not JSON", f)
		}
		all.Write(data)
	}
	return all.String()
}
