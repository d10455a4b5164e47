package testenv

import "testing"

// RequireTool marks a test that needs what, a real program or server that
// make target provides. Under -short, which runs unit tests alone, it
// skips the test; otherwise it returns, and a missing tool fails the test.
func RequireTool(t testing.TB, what, target string) {
	t.Helper()
	if testing.Short() {
		t.Skipf("needs %s: run `%s` and go test without -short", what, target)
	}
}
