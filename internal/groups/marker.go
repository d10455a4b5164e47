package groups

import (
	"fmt"
	"strings"

	"github.com/prenv/prenv/internal/naming"
)

// MarkerKey starts the line of a pull request's body, or the label, that
// names the group the PR joins: "prenv-group: <name>".
const MarkerKey = "prenv-group:"

// Marker returns the group a pull request's labels or body name, and ""
// when they name none. Its text is data: the name is validated as a DNS
// label and never reaches a shell. Two different names are refused.
func Marker(body string, labels []string) (string, error) {
	var found []string
	for _, l := range labels {
		if name, ok := markerValue(l); ok {
			found = append(found, name)
		}
	}
	for _, line := range strings.Split(body, "\n") {
		if name, ok := markerValue(line); ok {
			found = append(found, name)
		}
	}
	if len(found) == 0 {
		return "", nil
	}
	for _, name := range found[1:] {
		if name != found[0] {
			return "", fmt.Errorf("the pull request names two groups, %q and %q: a PR joins one group; keep one %s line or label", found[0], name, MarkerKey)
		}
	}
	if err := naming.ValidateGroup(found[0]); err != nil {
		return "", fmt.Errorf("the pull request's %s: %w", MarkerKey, err)
	}
	return found[0], nil
}

// markerValue reads "prenv-group: <name>" from one line or label.
func markerValue(s string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), MarkerKey)
	if !ok {
		return "", false
	}
	return strings.TrimSpace(rest), true
}
