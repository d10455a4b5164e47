package testenv

import (
	"strings"

	"github.com/prenv/prenv/internal/proc"
)

// ProcessesWithEnv returns the live processes whose environment contains
// needle, such as a database URL that only one test's services were given.
func ProcessesWithEnv(needle string) []int {
	return proc.WithEnv(func(entry string) bool { return strings.Contains(entry, needle) })
}

// DatabaseNeedle is the part of a service's DATABASE_URL that names
// database db on the server at adminURL: "127.0.0.1:<port>/<db>?".
func DatabaseNeedle(adminURL, db string) string {
	hostport, _, _ := strings.Cut(adminURL[strings.LastIndexByte(adminURL, '@')+1:], "/")
	return hostport + "/" + db + "?"
}
