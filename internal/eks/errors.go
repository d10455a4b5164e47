package eks

import "strings"

// oneLine flattens an SDK error, some of which span lines, for a message
// that must stay on one.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
