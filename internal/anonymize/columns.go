package anonymize

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// A column pass rewrites only the columns a PR's migrations wrote, in the
// rows where they are not NULL, and writes only the values that change:
// over a clone of the anonymised golden, a value copied from an anonymised
// column is met again by a transformer whose outputs are fixed points, so
// a backfill from users.email changes no row, and only what a migration
// wrote raw is rewritten.

// writtenColumns narrows a table's ruled columns to those writes (a
// Scope's Writes) names for it.
func writtenColumns(t *table, ruled map[string]Transformer, writes map[string][]string) map[string]Transformer {
	written := writes[t.schema+"."+t.name]
	out := map[string]Transformer{}
	for name, tr := range ruled {
		c, ok := t.column(name)
		if ok && !c.generated && (slices.Contains(written, AllColumns) || slices.Contains(written, name)) {
			out[name] = tr
		}
	}
	return out
}

// distrustWrittenNoise gives each noise-ruled column of cols that a
// migration wrote from something other than a ruled column (derived names
// those) the transformer of distrusted, which trusts no mark.
func distrustWrittenNoise(t *table, cols map[string]Transformer, distrusted compiled, rules map[string]Rule, derived map[string]string) {
	for name := range cols {
		key := ColumnRef{Schema: t.schema, Table: t.name, Column: name}.String()
		if _, fromRuled := derived[key]; rules[key].Transformer == "noise" && !fromRuled {
			cols[name] = distrusted[t.schema+"."+t.name][name]
		}
	}
}

// anyUnique reports whether a column of cols has a unique index: a column
// pass updates in place, where a new value could collide with one not yet
// rewritten, so such a table's written columns are reloaded instead.
func anyUnique(t *table, cols map[string]Transformer) bool {
	for c := range cols {
		if t.unique[c] {
			return true
		}
	}
	return false
}

// wroteRows reports whether a run changed any row.
func wroteRows(rep Report) bool {
	for _, t := range rep.Tables {
		if t.Rows > 0 {
			return true
		}
	}
	return false
}

// columnPass plans or runs a column pass over t.
func columnPass(ctx context.Context, conn *pgx.Conn, t *table, cols map[string]Transformer, plan bool, workers int, progress io.Writer) (TableReport, error) {
	if plan {
		return planColumns(ctx, conn, t, cols)
	}
	return anonymizeColumns(ctx, conn, t, cols, workers, progress)
}

// columnFilter is the rows a column pass reads: those where a ruled
// column holds a value (a NULL stays NULL).
func columnFilter(names []string) string {
	var conds []string
	for _, n := range names {
		conds = append(conds, pgx.Identifier{n}.Sanitize()+" IS NOT NULL")
	}
	return strings.Join(conds, " OR ")
}

// planColumns is what a column pass would do: the columns, and the rows it
// would read as PostgreSQL estimates them.
func planColumns(ctx context.Context, conn *pgx.Conn, t *table, rules map[string]Transformer) (TableReport, error) {
	names := slices.Sorted(maps.Keys(rules))
	rep := TableReport{Table: t.String(), Columns: names, Method: "columns"}
	var plan []byte
	if err := conn.QueryRow(ctx, fmt.Sprintf("EXPLAIN (FORMAT JSON) SELECT 1 FROM ONLY %s WHERE %s", t.ident(), columnFilter(names))).Scan(&plan); err != nil {
		return rep, fmt.Errorf("%s: estimate the rows to check: %w", t, err)
	}
	var out []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		}
	}
	if err := json.Unmarshal(plan, &out); err != nil || len(out) == 0 {
		return rep, fmt.Errorf("%s: read the row estimate: %v", t, err)
	}
	rep.Rows = int64(out[0].Plan.Rows)
	return rep, nil
}

// unchanged stands, in a column pass's spool, for a value its transformer
// kept: PostgreSQL's text never holds a NUL byte.
const unchanged = "\x00"

// setNull stands, in a column pass's spool, for a value its transformer
// made NULL: a change, written as NULL.
const setNull = "\x00N"

// keptOrChanged reports a value its transformer keeps as unchanged, so a
// column pass spools a byte, not the value twice, for each row it keeps.
type keptOrChanged struct{ Transformer }

func (k keptOrChanged) Transform(v string) (*string, error) {
	out, err := k.Transformer.Transform(v)
	switch {
	case err != nil:
		return nil, err
	case out == nil:
		// A value made NULL (the null transformer) changes, unlike a NULL
		// read, which the spool also holds as \N.
		return ptr(setNull), nil
	case *out == v:
		return ptr(unchanged), nil
	}
	return out, nil
}

// anonymizeColumns runs a column pass over t in one transaction: it reads
// the ruled columns' values through their transformers, keeps the rows
// where a value changes, and updates those values only.
func anonymizeColumns(ctx context.Context, conn *pgx.Conn, t *table, rules map[string]Transformer, workers int, progress io.Writer) (TableReport, error) {
	start := time.Now()
	names := slices.Sorted(maps.Keys(rules))
	rep := TableReport{Table: t.String(), Columns: names, Method: "columns"}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return rep, err
	}
	defer tx.Rollback(context.Background()) //nolint:errcheck // after Commit, a no-op
	spool, err := prepareRewrite(ctx, tx, t,
		"SET LOCAL session_replication_role = replica", // user triggers must not see the rewrite
		"LOCK TABLE "+t.ident()+" IN EXCLUSIVE MODE")
	if err != nil {
		return rep, err
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	var ids, defs, sets []string
	var fields []fieldRule
	for i, n := range names {
		c, _ := t.column(n)
		id := pgx.Identifier{n}.Sanitize()
		ids = append(ids, id)
		// The staged value v<i>, and s<i>: whether it is set.
		defs = append(defs, fmt.Sprintf("v%d %s, s%d boolean", i, c.typ, i))
		sets = append(sets, fmt.Sprintf("%s = CASE WHEN a.s%d THEN a.v%d ELSE t.%s END", id, i, i, id))
		fields = append(fields, fieldRule{index: 1 + i, column: t.String() + "." + n, t: keptOrChanged{rules[n]}})
	}
	query := fmt.Sprintf("COPY (SELECT ctid, %s FROM ONLY %s WHERE %s) TO STDOUT", strings.Join(ids, ", "), t.ident(), columnFilter(names))
	meter := newMeter(t.String(), t.estRows, progress)
	if rep.Checked, err = spoolRows(ctx, tx, query, spool, fields, workers, meter); err != nil {
		return rep, err
	}
	changes, err := os.CreateTemp("", "prenv-anonymize-*.copy")
	if err != nil {
		return rep, err
	}
	defer os.Remove(changes.Name())
	defer changes.Close()
	if rep.Rows, err = keepChanged(spool, changes, len(names)); err != nil {
		return rep, fmt.Errorf("%s: %w", t, err)
	}
	if rep.Rows > 0 {
		if _, err := changes.Seek(0, io.SeekStart); err != nil {
			return rep, err
		}
		for _, stmt := range []string{
			fmt.Sprintf("CREATE TEMP TABLE prenv_anonymized (row_id tid, %s) ON COMMIT DROP", strings.Join(defs, ", ")),
			"COPY",
			fmt.Sprintf("UPDATE ONLY %s t SET %s FROM prenv_anonymized a WHERE t.ctid = a.row_id", t.ident(), strings.Join(sets, ", ")),
			// Fresh statistics: the old ones may hold the raw values. The
			// whole table, as a column list leaves expression indexes' out.
			"ANALYZE " + t.ident(),
		} {
			var err error
			if stmt == "COPY" {
				_, err = tx.Conn().PgConn().CopyFrom(ctx, changes, "COPY prenv_anonymized FROM STDIN")
			} else {
				_, err = tx.Exec(ctx, stmt)
			}
			if err != nil {
				return rep, fmt.Errorf("%s: rewrite the changed values: %w", t, err)
			}
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return rep, fmt.Errorf("%s: commit: %w", t, err)
	}
	return meter.done(rep, start), nil
}
