package session

import (
	"fmt"
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

// InCI reports whether prenv runs on a CI runner, whose disk is thrown
// away when the job ends.
func (h Host) InCI() bool {
	return h.Getenv("CI") == "true" || h.Getenv("GITHUB_ACTIONS") == "true"
}

// checkLasting refuses, in CI, state kept on the runner's own disk: up
// would create real resources whose state the job then throws away, and
// later cleanups and the reaper would never see them.
func (h Host) checkLasting(backend string, allowLocal bool) error {
	if !h.InCI() || allowLocal || !strings.HasPrefix(backend, "file://") {
		return nil
	}
	return stacks.Input(fmt.Errorf("the state backend is %s, on this CI runner's disk, which is thrown away when the job ends: "+
		"set backend-url (or PRENV_BACKEND_URL) to a bucket such as s3://my-bucket, or on a self-hosted runner with a lasting disk pass allow-local-state: true (--allow-local-state)", backend))
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
