package local_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/stacks"
)

// TestLocalMigrateCommandIsAnonymisedWhole runs the blueprint's own
// migration command, which copies emails into a new column: without a
// rule for it the environment is refused; with one, it is anonymised.
func TestLocalMigrateCommandIsAnonymisedWhole(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	bins, err := pg.FindBinaries(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	w.upForTheTest("baseline")
	w.bp.Database.Migrate = fmt.Sprintf(`%q "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -c "CREATE TABLE contacts (id bigserial PRIMARY KEY, email_backup text); INSERT INTO contacts (email_backup) SELECT email FROM users; INSERT INTO contacts (email_backup) VALUES ('wanda.leak@hidden.example');"`,
		filepath.Join(bins.Dir, "psql"))
	var progress bytes.Buffer
	_, err = w.engine.Up(t.Context(), w.env("pr-2"), automation.Progress(&progress))
	if err == nil || !strings.Contains(err.Error(), "contacts.email_backup") {
		t.Fatalf("up with an unruled copy of the emails: %v", err)
	}
	if !strings.Contains(progress.String(), "warning: anonymize: database.migrate is a command prenv cannot see into") {
		t.Errorf("up did not warn that the command's scope is unknown:\n%s", progress.String())
	}
	w.bp.Database.Anonymize.Rules["contacts.email_backup"] = stacks.AnonymizeRule{Transformer: "email"}
	w.upForTheTest("pr-2")
	if n := w.countEverywhere("prenv_shop_pr_2", "hidden.example"); n != 0 {
		t.Errorf("%d rows of pr-2 hold the planted email", n)
	}
	if n := w.countWhere("prenv_shop_pr_2", "SELECT count(*) FROM contacts"); n != 51 {
		t.Errorf("contacts has %d rows, want the 50 copies and the planted one", n)
	}
}
