package anonymize

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"
)

// A superuser rewrites a table as pg_repack does: it loads the anonymised
// rows into a new table created in the same transaction (which, at
// wal_level=minimal, writes no WAL), streaming them out of the old one on
// a second connection at the same time, then swaps the two tables' files
// in the catalog, drops the new table (now holding the old files) and
// rebuilds the indexes in place. The table keeps its oid, so its keys,
// the foreign keys pointing at it, views, grants, triggers, sequences and
// comments are never dropped, and no foreign key is validated again.
// Everything happens in one transaction: a failure anywhere leaves the
// old table as it was.

// swapBlocker says why t cannot be rewritten by a swap of its files, or
// "" if it can. The cases it refuses are rewritten in place, as a role
// without superuser rewrites every table.
func swapBlocker(ctx context.Context, q querier, t *table, rules map[string]Transformer) (string, error) {
	var super bool
	if err := q.QueryRow(ctx, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&super); err != nil {
		return "", err
	}
	if !super {
		return "not a superuser", nil
	}
	var reason string
	// The new table is created with LIKE: it must have the same physical
	// columns (no dropped ones, whose slots LIKE leaves out), storage and
	// persistence, and nothing LIKE does not copy that shapes the files.
	err := q.QueryRow(ctx, `SELECT CASE
		WHEN c.relpersistence <> 'p' THEN 'not a logged table'
		WHEN c.relam <> (SELECT oid FROM pg_am WHERE amname = 'heap') THEN 'not a heap table'
		WHEN c.reloptions IS NOT NULL THEN 'has storage parameters'
		WHEN c.reltablespace <> 0 THEN 'in a tablespace of its own'
		WHEN c.relhassubclass OR c.relispartition OR EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = c.oid) THEN 'in an inheritance tree'
		WHEN EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = c.oid AND attnum > 0 AND attisdropped) THEN 'has dropped columns'
		ELSE '' END
		FROM pg_class c WHERE c.oid = $1`, t.oid).Scan(&reason)
	if err != nil || reason != "" {
		return reason, err
	}
	// A foreign key referencing a ruled column must be checked again,
	// which the in-place reload does when it adds it back.
	var ruled []string
	for c := range rules {
		ruled = append(ruled, c)
	}
	var fk string
	err = q.QueryRow(ctx, `SELECT coalesce(min(conname), '') FROM pg_constraint c
		WHERE c.contype = 'f' AND c.confrelid = $1
		AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = $1 AND a.attnum = ANY (c.confkey) AND a.attname = ANY ($2))`,
		t.oid, ruled).Scan(&fk)
	if err != nil || fk == "" {
		return "", err
	}
	return "the foreign key " + fk + " references a ruled column", nil
}

// rewriteBySwap rewrites t by loading a new table and swapping the files.
func rewriteBySwap(ctx context.Context, conn *pgx.Conn, t *table, rules map[string]Transformer, workers int, m *meter) (int64, error) {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(context.Background()) //nolint:errcheck // after Commit, a no-op
	m.phase("create the new table")
	mem, err := indexBuildMemory(ctx, tx)
	if err != nil {
		return 0, err
	}
	// SHARE keeps writers out while the second connection reads the table.
	for _, stmt := range []string{
		// Replica mode keeps triggers, event triggers included, out of the
		// swap's DDL, as the reload keeps them out of its rows.
		"SET LOCAL session_replication_role = replica",
		"SET LOCAL synchronous_commit = off",
		"SET LOCAL maintenance_work_mem = '" + mem + "'",
		"LOCK TABLE " + t.ident() + " IN SHARE MODE",
	} {
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return 0, fmt.Errorf("%s: %s: %w", t, strings.Fields(stmt)[0], err)
		}
	}
	fresh := pgx.Identifier{t.schema, fmt.Sprintf("prenv_rewrite_%d", t.oid)}.Sanitize()
	// CHECK and NOT NULL constraints hold the anonymised rows to the
	// table's rules; generated columns are computed again from them.
	if _, err := tx.Exec(ctx, fmt.Sprintf("CREATE TABLE %s (LIKE %s INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMPRESSION)", fresh, t.ident())); err != nil {
		return 0, fmt.Errorf("%s: create the table to load: %w", t, err)
	}
	m.phase("copy out, transform and copy in (overlapped)")
	rows, err := streamInto(ctx, conn.Config(), tx, t, fresh, rules, workers, m)
	if err != nil {
		return 0, err
	}
	m.phase("swap files")
	if _, err := tx.Exec(ctx, "LOCK TABLE "+t.ident()+" IN ACCESS EXCLUSIVE MODE"); err != nil {
		return 0, fmt.Errorf("%s: lock: %w", t, err)
	}
	if err := swapFiles(ctx, tx, t, fresh); err != nil {
		return 0, fmt.Errorf("%s: swap in the anonymised files: %w", t, err)
	}
	m.phase("rebuild indexes")
	if _, err := tx.Exec(ctx, "REINDEX TABLE "+t.ident()); err != nil {
		return 0, fmt.Errorf("%s: rebuild its indexes: %w", t, err)
	}
	if err := analyzeAndCommit(ctx, tx, t, m); err != nil {
		return 0, err
	}
	return rows, nil
}

// streamInto copies t's rows out on a connection of its own, through the
// transformers, into fresh on tx, all three at once.
func streamInto(ctx context.Context, cfg *pgx.ConnConfig, tx pgx.Tx, t *table, fresh string, rules map[string]Transformer, workers int, m *meter) (int64, error) {
	reader, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return 0, fmt.Errorf("%s: open a second connection to read it: %w", t, err)
	}
	defer reader.Close(context.Background())
	cols, fields := copyColumns(t, rules)
	g, gctx := errgroup.WithContext(ctx)
	outR, outW := io.Pipe()
	inR, inW := io.Pipe()
	g.Go(func() error {
		// pgx writes each row on its own; buffering turns a pipe handoff
		// per row into one per megabyte.
		buf := bufio.NewWriterSize(outW, 1<<20)
		_, err := reader.PgConn().CopyTo(gctx, buf, fmt.Sprintf("COPY %s (%s) TO STDOUT", t.ident(), cols))
		if err == nil {
			err = buf.Flush()
		}
		outW.CloseWithError(err)
		return err
	})
	var rows int64
	g.Go(func() error {
		var err error
		rows, err = transformStream(gctx, outR, inW, fields, workers, int(min(max(m.total, 0), 50e6)), m.update)
		outR.CloseWithError(err)
		inW.CloseWithError(err)
		return err
	})
	g.Go(func() error {
		// Not gctx: a cancelled load closes its connection, the caller's.
		// A failure elsewhere ends it through its input instead.
		_, err := tx.Conn().PgConn().CopyFrom(ctx, inR, fmt.Sprintf("COPY %s (%s) FROM STDIN WITH (FREEZE)", fresh, cols))
		if err != nil {
			err = fmt.Errorf("%s: load the anonymised rows: %w", t, err)
		}
		inR.CloseWithError(err)
		return err
	})
	if err := g.Wait(); err != nil {
		return 0, err
	}
	return rows, nil
}

// swapFiles gives t the files of fresh, heap and TOAST, and fresh t's
// old ones, then drops fresh with them. The TOAST table is swapped whole
// (not its files): the new rows' TOAST pointers name fresh's TOAST table.
func swapFiles(ctx context.Context, tx pgx.Tx, t *table, fresh string) error {
	var freshOid, toast, freshToast uint32
	err := tx.QueryRow(ctx, `SELECT n.oid, o.reltoastrelid, n.reltoastrelid FROM pg_class o, pg_class n
		WHERE o.oid = $1 AND n.oid = $2::regclass`, t.oid, fresh).Scan(&freshOid, &toast, &freshToast)
	if err != nil {
		return err
	}
	if (toast == 0) != (freshToast == 0) {
		return fmt.Errorf("the new table's TOAST table does not match the old one's")
	}
	toastName := fmt.Sprintf("pg_toast_%d", t.oid)
	stmts := []statement{
		{`UPDATE pg_class c SET relfilenode = o.relfilenode, reltoastrelid = o.reltoastrelid
			FROM pg_class o WHERE c.oid IN ($1, $2) AND o.oid IN ($1, $2) AND o.oid <> c.oid`, []any{t.oid, freshOid}},
		// The TOAST table belongs to its table: it is dropped with it.
		{`UPDATE pg_depend SET refobjid = CASE refobjid WHEN $1 THEN $2 ELSE $1 END
			WHERE classid = 'pg_class'::regclass AND objid IN ($3, $4) AND refclassid = 'pg_class'::regclass
			AND refobjid IN ($1, $2) AND deptype = 'i'`, []any{t.oid, freshOid, toast, freshToast}},
		{"DROP TABLE " + fresh, nil},
	}
	if toast != 0 {
		// TOAST tables are named after their table's oid; a table given
		// fresh's oid one day would collide with the old name.
		stmts = append(stmts,
			statement{`UPDATE pg_class SET relname = $2 WHERE oid = $1`, []any{freshToast, toastName}},
			statement{`UPDATE pg_class SET relname = $2 WHERE oid = (SELECT indexrelid FROM pg_index WHERE indrelid = $1)`, []any{freshToast, toastName + "_index"}})
	}
	for _, s := range stmts {
		if _, err := tx.Exec(ctx, s.sql, s.args...); err != nil {
			return err
		}
	}
	return nil
}

// statement is SQL and its arguments.
type statement struct {
	sql  string
	args []any
}
