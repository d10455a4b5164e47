package anonymize

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// table is what the engine knows of one table from the catalog.
type table struct {
	schema, name string
	oid          uint32
	kind         byte    // pg_class.relkind
	estRows      float64 // pg_class.reltuples
	columns      []column
	unique       map[string]bool // columns with a single-column unique index
}

// column is one of a table's stored columns.
type column struct {
	name, typ string
	generated bool
}

// ident is the table's quoted, schema-qualified name.
func (t *table) ident() string { return pgx.Identifier{t.schema, t.name}.Sanitize() }

func (t *table) String() string {
	if t.schema == "public" {
		return t.name
	}
	return t.schema + "." + t.name
}

func (t *table) column(name string) (column, bool) {
	for _, c := range t.columns {
		if c.name == name {
			return c, true
		}
	}
	return column{}, false
}

// readTable reads schema.name from the catalog; ok is false if it does
// not exist.
func readTable(ctx context.Context, q querier, schema, name string) (*table, bool, error) {
	t := &table{schema: schema, name: name, unique: map[string]bool{}}
	err := q.QueryRow(ctx, `SELECT c.oid, c.relkind, c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`, schema, name).Scan(&t.oid, &t.kind, &t.estRows)
	if err == pgx.ErrNoRows {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read table %s: %w", t, err)
	}
	rows, err := q.Query(ctx, `SELECT attname, format_type(atttypid, atttypmod), attgenerated <> '' FROM pg_attribute
		WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped ORDER BY attnum`, t.oid)
	if err != nil {
		return nil, false, err
	}
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.name, &c.typ, &c.generated); err != nil {
			return nil, false, err
		}
		t.columns = append(t.columns, c)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	uniq, err := q.Query(ctx, `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
		WHERE i.indrelid = $1 AND i.indisunique AND i.indnatts = 1 AND i.indexprs IS NULL AND i.indpred IS NULL`, t.oid)
	if err != nil {
		return nil, false, err
	}
	names, err := pgx.CollectRows(uniq, pgx.RowTo[string])
	for _, n := range names {
		t.unique[n] = true
	}
	return t, true, err
}

// userTables lists every ordinary table outside the system schemas.
func userTables(ctx context.Context, q querier) ([][2]string, error) {
	rows, err := q.Query(ctx, `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', 'information_schema')
		AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' ORDER BY 1, 2`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var s [2]string
		return s, r.Scan(&s[0], &s[1])
	})
}

// ddl is a statement that drops an object and the one that recreates it.
type ddl struct{ what, drop, create string }

// rebuildPlan is what a rewrite drops before it reloads the table, and
// recreates after: its indexes and key constraints, the foreign keys that
// reference it, and the comments on them.
func rebuildPlan(ctx context.Context, q querier, t *table) ([]ddl, []string, error) {
	var plan []ddl
	// Foreign keys first: they depend on the referenced keys.
	rows, err := q.Query(ctx, `SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
		WHERE confrelid = $1 AND contype = 'f' ORDER BY conrelid, conname`, t.oid)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var rel, name, def string
		if err := rows.Scan(&rel, &name, &def); err != nil {
			return nil, nil, err
		}
		c := pgx.Identifier{name}.Sanitize()
		plan = append(plan, ddl{what: "foreign key " + name, drop: fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", rel, c), create: fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", rel, c, def)})
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = q.Query(ctx, `SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = $1 AND contype IN ('p', 'u', 'x') ORDER BY conname`, t.oid)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, nil, err
		}
		c := pgx.Identifier{name}.Sanitize()
		plan = append(plan, ddl{what: "key " + name, drop: fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", t.ident(), c), create: fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", t.ident(), c, def)})
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = q.Query(ctx, `SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
		WHERE i.indrelid = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
		ORDER BY 1`, t.oid)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, nil, err
		}
		plan = append(plan, ddl{what: "index " + name, drop: "DROP INDEX " + name, create: def})
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = q.Query(ctx, `SELECT format('COMMENT ON CONSTRAINT %I ON %s IS %L', c.conname, c.conrelid::regclass, d.description)
		FROM pg_constraint c JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_constraint'::regclass
		WHERE (c.conrelid = $1 AND c.contype IN ('p', 'u', 'x')) OR (c.confrelid = $1 AND c.contype = 'f')
		UNION ALL
		SELECT format('COMMENT ON INDEX %s IS %L', i.indexrelid::regclass, d.description)
		FROM pg_index i JOIN pg_description d ON d.objoid = i.indexrelid AND d.classoid = 'pg_class'::regclass
		WHERE i.indrelid = $1`, t.oid)
	if err != nil {
		return nil, nil, err
	}
	comments, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return plan, comments, err
}

// relationKind is the pg_class relkind of schema.name, "" when there is no
// such relation.
func relationKind(ctx context.Context, q querier, schema, name string) (string, error) {
	var kind string
	err := q.QueryRow(ctx, `SELECT c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relname = $2`, schema, name).Scan(&kind)
	if err == pgx.ErrNoRows {
		return "", nil
	}
	return kind, err
}

// inheritedBy counts the tables that inherit from the table oid (plain
// inheritance, not partitions).
func inheritedBy(ctx context.Context, q querier, oid uint32) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT count(*) FROM pg_inherits WHERE inhparent = $1`, oid).Scan(&n)
	return n, err
}
