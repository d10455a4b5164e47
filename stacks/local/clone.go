package local

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/internal/reflink"
	"github.com/prenv/prenv/stacks"
)

// CloneChoice is how this machine clones a golden, and why: what up
// prints and prenv local status shows.
type CloneChoice struct {
	Method stacks.Clone `json:"method"` // thin or template
	Reason string       `json:"reason"`
}

// String is the choice as up prints it.
func (c CloneChoice) String() string { return fmt.Sprintf("%s (%s)", c.Method, c.Reason) }

// ChooseClone resolves database.clone on this machine. auto is thin when
// prenv runs PostgreSQL itself (no PRENV_POSTGRES_URL), ThinDir's
// filesystem shares blocks between files, and the server's user can
// reach ThinDir; else template. thin without those is an error naming
// what is missing.
func (m Machine) ChooseClone(want stacks.Clone) (CloneChoice, error) {
	switch want {
	case stacks.CloneTemplate:
		return CloneChoice{stacks.CloneTemplate, "database.clone is template"}, nil
	case stacks.CloneThin:
		if why := m.thinUnavailable(); why != "" {
			return CloneChoice{}, stacks.Input(fmt.Errorf("database.clone is thin, but %s: put prenv's home (PRENV_HOME) on XFS with reflink or btrfs, or set database.clone to auto or template", why))
		}
		return CloneChoice{stacks.CloneThin, "database.clone is thin; " + m.thinDescription()}, nil
	case stacks.CloneAuto, "":
		if why := m.thinUnavailable(); why != "" {
			return CloneChoice{stacks.CloneTemplate, why}, nil
		}
		return CloneChoice{stacks.CloneThin, m.thinDescription()}, nil
	}
	return CloneChoice{}, stacks.Input(fmt.Errorf("database.clone %q is not a clone method: use auto, thin or template", want))
}

// thinUnavailable says why thin clones cannot work here; "" when they can.
func (m Machine) thinUnavailable() string {
	if m.PostgresURL != "" {
		return "PRENV_POSTGRES_URL names the server to clone in"
	}
	dir := existingAncestor(m.ThinDir)
	if err := reflink.Probe(dir); errors.Is(err, reflink.ErrUnsupported) {
		return fmt.Sprintf("%s is on %s, whose files cannot share blocks", m.ThinDir, fsName(dir))
	} else if err != nil {
		return err.Error()
	}
	if err := pg.Reachable(m.ThinDir); err != nil {
		return err.Error()
	}
	return ""
}

func (m Machine) thinDescription() string {
	return fmt.Sprintf("%s is on %s, whose files share blocks", m.ThinDir, fsName(existingAncestor(m.ThinDir)))
}

func fsName(dir string) string {
	if name := reflink.Filesystem(dir); name != "" {
		return name
	}
	return "a filesystem"
}

// existingAncestor is dir, or its nearest parent that exists: where a
// probe can write before dir is made.
func existingAncestor(dir string) string {
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); (err == nil && fi.IsDir()) || d == filepath.Dir(d) {
			return d
		}
	}
}
