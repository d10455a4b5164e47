package session

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/prenv/prenv/stacks"
)

// backend is the state backend's URL: the flag, $PRENV_BACKEND_URL,
// $PULUMI_BACKEND_URL, the blueprint's, else file://<home>/state.
func (h Host) backend(flag string, bp *stacks.Blueprint, home string) (string, error) {
	url := FirstOf(flag, h.Getenv("PRENV_BACKEND_URL"), h.Getenv("PULUMI_BACKEND_URL"), bp.Backend,
		"file://"+filepath.Join(home, "state"))
	return expandHome(url)
}

// expandHome expands a leading ~ in a file:// backend URL.
func expandHome(url string) (string, error) {
	rest, ok := strings.CutPrefix(url, "file://~")
	if !ok {
		return url, nil
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return "file://" + h + rest, nil
}
