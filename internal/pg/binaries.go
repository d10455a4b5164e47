package pg

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ErrNoBinaries means no PostgreSQL server binaries were found.
var ErrNoBinaries = errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found: install them with `apt-get install postgresql` or set PRENV_POSTGRES_URL to a server prenv may use")

// Binaries is a directory holding initdb, pg_ctl and postgres.
type Binaries struct{ Dir string }

// FindBinaries looks in dir if given, then pg_config's bindir, then the
// newest /usr/lib/postgresql/*/bin.
func FindBinaries(ctx context.Context, dir string) (Binaries, error) {
	var candidates []string
	if dir != "" {
		candidates = append(candidates, dir)
	}
	if out, err := exec.CommandContext(ctx, "pg_config", "--bindir").Output(); err == nil {
		candidates = append(candidates, strings.TrimSpace(string(out)))
	}
	versions, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(versions, func(a, b string) int { return majorOf(b) - majorOf(a) })
	candidates = append(candidates, versions...)
	for _, d := range candidates {
		b := Binaries{Dir: d}
		if b.usable() {
			return b, nil
		}
	}
	return Binaries{}, ErrNoBinaries
}

func (b Binaries) usable() bool {
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		if fi, err := os.Stat(b.path(name)); err != nil || fi.IsDir() {
			return false
		}
	}
	return true
}

func (b Binaries) path(name string) string { return filepath.Join(b.Dir, name) }

// majorOf reads the major version out of /usr/lib/postgresql/<major>/bin.
func majorOf(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}
