package local_test

import (
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

// TestMain unmounts the copy-on-write filesystem the thin-clone tests
// share when they end.
func TestMain(m *testing.M) { testenv.Main(m) }
