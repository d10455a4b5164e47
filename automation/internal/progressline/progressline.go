// Package progressline holds what the Pulumi and Terraform engines'
// progress lines share, so that both read alike: the verb of a resource
// operation, and the first line of a message.
package progressline

import "strings"

// Verb is the -ing form progress lines use for a resource operation, named
// as Pulumi names its operations; an unknown operation is returned as is.
func Verb(op string) string {
	switch op {
	case "create":
		return "creating"
	case "update":
		return "updating"
	case "delete":
		return "deleting"
	case "replace", "create-replacement", "delete-replaced":
		return "replacing"
	case "refresh":
		return "refreshing"
	case "read":
		return "reading"
	default:
		return op
	}
}

// FirstLine is the first non-blank line of s, trimmed: a progress line
// shows one line of a multi-line message.
func FirstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(line)
}
