package enginetest

import (
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

// backends are the kinds of backend the engines' end-to-end tests run
// on: a file:// directory, and an s3:// bucket on a real S3 protocol
// server (moto_server).
var backends = []struct {
	name string
	url  func(t *testing.T) string
}{
	{"file", func(t *testing.T) string { return testenv.Backend(t) }},
	{"s3", func(t *testing.T) string { return testenv.S3(t).URL }},
}

// ForEachBackend runs test as a parallel subtest on a fresh backend of
// each kind.
func ForEachBackend(t *testing.T, test func(t *testing.T, backend string)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			test(t, b.url(t))
		})
	}
}
