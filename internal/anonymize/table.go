package anonymize

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// TableReport is what anonymising one table did.
type TableReport struct {
	Table    string
	Columns  []string
	Rows     int64
	Duration time.Duration
	Method   string // rewrite (reload with keys rebuilt, or files swapped), update, or columns (a column pass: Rows are those changed)
	Checked  int64  // a column pass's rows read and checked
	Phases   []Phase
}

// Profile is where the table's time went, such as "copy out 1.2s, load 0.8s".
func (r TableReport) Profile() string {
	var parts []string
	for _, p := range r.Phases {
		parts = append(parts, fmt.Sprintf("%s %s", p.Name, p.Duration.Round(time.Millisecond)))
	}
	return strings.Join(parts, ", ")
}

// RowsPerSecond is the table's throughput.
func (r TableReport) RowsPerSecond() float64 {
	if r.Duration <= 0 {
		return 0
	}
	return float64(r.Rows) / r.Duration.Seconds()
}

// updateBelow is the estimated row count under which a table is updated
// in place rather than reloaded: for small tables, dropping and rebuilding
// keys (and revalidating the foreign keys of large referencing tables)
// costs more than it saves.
const updateBelow = 50000

// anonymizeTable rewrites t's ruled columns in one transaction, so an
// interrupted run leaves it fully old or fully new.
func anonymizeTable(ctx context.Context, conn *pgx.Conn, t *table, rules map[string]Transformer, method string, workers int, progress io.Writer) (TableReport, error) {
	start := time.Now()
	rep := TableReport{Table: t.String(), Method: method}
	for _, c := range slices.Sorted(maps.Keys(rules)) {
		rep.Columns = append(rep.Columns, c)
	}
	meter := newMeter(t.String(), t.estRows, progress)
	var err error
	if method == "rewrite" {
		var why string
		if why, err = swapBlocker(ctx, conn, t, rules); err != nil {
			return rep, fmt.Errorf("%s: %w", t, err)
		}
		if why == "" {
			if rep.Rows, err = rewriteBySwap(ctx, conn, t, rules, workers, meter); err != nil {
				return rep, err
			}
			return meter.done(rep, start), nil
		}
		meter.note("reloaded in place, keys dropped and added back (no file swap: " + why + ")")
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return rep, err
	}
	defer tx.Rollback(context.Background()) //nolint:errcheck // after Commit, a no-op
	// Replica mode skips triggers, foreign key checks included: the keys
	// do not change, and user triggers must not see the rewrite.
	spool, err := prepareRewrite(ctx, tx, t,
		"SET LOCAL session_replication_role = replica",
		"SET LOCAL synchronous_commit = off",
		"SET LOCAL maintenance_work_mem = '512MB'",
		"LOCK TABLE "+t.ident()+" IN ACCESS EXCLUSIVE MODE")
	if err != nil {
		return rep, err
	}
	defer os.Remove(spool.Name())
	defer spool.Close()

	if rep.Method == "update" {
		rep.Rows, err = updateInPlace(ctx, tx, t, rules, workers, spool, meter)
	} else {
		rep.Rows, err = reload(ctx, tx, t, rules, workers, spool, meter)
	}
	if err != nil {
		return rep, err
	}
	if err := analyzeAndCommit(ctx, tx, t, meter); err != nil {
		return rep, err
	}
	return meter.done(rep, start), nil
}

// analyzeAndCommit refreshes t's statistics and commits tx.
func analyzeAndCommit(ctx context.Context, tx pgx.Tx, t *table, m *meter) error {
	m.phase("analyze")
	// Fresh statistics: the old ones hold the raw values' most common
	// entries and histogram bounds, which anyone reading pg_stats could see.
	if _, err := tx.Exec(ctx, "ANALYZE "+t.ident()); err != nil {
		return fmt.Errorf("%s: analyze: %w", t, err)
	}
	m.phase("commit")
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("%s: commit: %w", t, err)
	}
	return nil
}

// reload streams every row out through the transformers into the spool,
// empties the table with its keys dropped, loads the spool, and rebuilds
// the keys, indexes and the foreign keys that reference it.
func reload(ctx context.Context, tx pgx.Tx, t *table, rules map[string]Transformer, workers int, spool *os.File, m *meter) (int64, error) {
	cols, fields := copyColumns(t, rules)
	m.phase("copy out and transform")
	rows, err := spoolRows(ctx, tx, fmt.Sprintf("COPY %s (%s) TO STDOUT", t.ident(), cols), spool, fields, workers, m)
	if err != nil {
		return 0, err
	}
	m.phase("drop keys and truncate")
	plan, comments, err := rebuildPlan(ctx, tx, t)
	if err != nil {
		return 0, fmt.Errorf("%s: read its keys and indexes: %w", t, err)
	}
	for _, d := range plan {
		if _, err := tx.Exec(ctx, d.drop); err != nil {
			return 0, fmt.Errorf("%s: %s: %w", t, d.drop, err)
		}
	}
	if _, err := tx.Exec(ctx, "TRUNCATE ONLY "+t.ident()); err != nil {
		return 0, fmt.Errorf("%s: truncate: %w", t, err)
	}
	m.phase("copy in")
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	if _, err := tx.Conn().PgConn().CopyFrom(ctx, spool, fmt.Sprintf("COPY %s (%s) FROM STDIN WITH (FREEZE)", t.ident(), cols)); err != nil {
		return 0, fmt.Errorf("%s: load the anonymised rows: %w", t, err)
	}
	// Recreate in reverse: keys before the foreign keys that need them.
	for i := len(plan) - 1; i >= 0; i-- {
		m.phase("add back " + plan[i].what)
		if _, err := tx.Exec(ctx, plan[i].create); err != nil {
			return 0, fmt.Errorf("%s: %s: %w", t, plan[i].create, err)
		}
	}
	for _, c := range comments {
		if _, err := tx.Exec(ctx, c); err != nil {
			return 0, fmt.Errorf("%s: restore a comment: %w", t, err)
		}
	}
	return rows, nil
}

// updateInPlace streams the row ids and ruled columns out through the
// transformers into a temporary table, and updates the table from it.
func updateInPlace(ctx context.Context, tx pgx.Tx, t *table, rules map[string]Transformer, workers int, spool *os.File, m *meter) (int64, error) {
	var cols, defs, sets []string
	fields := []fieldRule{}
	for i, name := range slices.Sorted(maps.Keys(rules)) {
		c, _ := t.column(name)
		id := pgx.Identifier{name}.Sanitize()
		cols = append(cols, id)
		defs = append(defs, fmt.Sprintf("%s %s", id, c.typ))
		sets = append(sets, fmt.Sprintf("%s = a.%s", id, id))
		fields = append(fields, fieldRule{index: i + 1, column: t.String() + "." + name, t: rules[name], unique: t.unique[name]})
	}
	rows, err := spoolRows(ctx, tx, fmt.Sprintf("COPY (SELECT ctid, %s FROM ONLY %s) TO STDOUT", strings.Join(cols, ", "), t.ident()), spool, fields, workers, m)
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, fmt.Sprintf("CREATE TEMP TABLE prenv_anonymized (row_id tid, %s) ON COMMIT DROP", strings.Join(defs, ", "))); err != nil {
		return 0, fmt.Errorf("%s: %w", t, err)
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	if _, err := tx.Conn().PgConn().CopyFrom(ctx, spool, "COPY prenv_anonymized FROM STDIN"); err != nil {
		return 0, fmt.Errorf("%s: stage the anonymised values: %w", t, err)
	}
	if _, err := tx.Exec(ctx, fmt.Sprintf("UPDATE ONLY %s t SET %s FROM prenv_anonymized a WHERE t.ctid = a.row_id", t.ident(), strings.Join(sets, ", "))); err != nil {
		return 0, fmt.Errorf("%s: update: %w", t, err)
	}
	return rows, nil
}

// copyColumns lists t's stored columns for COPY, and the ruled ones'
// positions among them.
func copyColumns(t *table, rules map[string]Transformer) (string, []fieldRule) {
	var names []string
	var fields []fieldRule
	for _, c := range t.columns {
		if c.generated {
			continue
		}
		if tr, ok := rules[c.name]; ok {
			fields = append(fields, fieldRule{index: len(names), column: t.String() + "." + c.name, t: tr, unique: t.unique[c.name]})
		}
		names = append(names, pgx.Identifier{c.name}.Sanitize())
	}
	return strings.Join(names, ", "), fields
}

// spoolRows runs the COPY TO query, transforms its rows and writes them to
// spool. One connection cannot stream out and in at once; the spool file
// keeps memory flat whatever the table's size.
func spoolRows(ctx context.Context, tx pgx.Tx, query string, spool *os.File, fields []fieldRule, workers int, m *meter) (int64, error) {
	pr, pw := io.Pipe()
	copyErr := make(chan error, 1)
	go func() {
		// pgx writes each row on its own; buffering turns a pipe handoff
		// per row into one per megabyte.
		buf := bufio.NewWriterSize(pw, 1<<20)
		_, err := tx.Conn().PgConn().CopyTo(ctx, buf, query)
		if err == nil {
			err = buf.Flush()
		}
		pw.CloseWithError(err)
		copyErr <- err
	}()
	rows, err := transformStream(ctx, pr, spool, fields, workers, int(min(max(m.total, 0), 50e6)), m.update)
	pr.CloseWithError(err)
	if cerr := <-copyErr; cerr != nil && err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	return rows, nil
}

// prepareRewrite runs a table's rewrite's opening statements in tx (its
// settings and its lock), and creates the spool file its rows go through.
func prepareRewrite(ctx context.Context, tx pgx.Tx, t *table, stmts ...string) (*os.File, error) {
	for _, stmt := range stmts {
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return nil, fmt.Errorf("%s: %s: %w (anonymisation needs a superuser, or rds_superuser on RDS)", t, strings.Fields(stmt)[0], err)
		}
	}
	return os.CreateTemp("", "prenv-anonymize-*.copy")
}
