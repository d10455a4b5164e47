package anonymize

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Options say what one run anonymises, and how.
type Options struct {
	Rules map[string]Rule // "table.column" or "schema.table.column"
	Allow []string        // columns that look personal but are known not to be
	Salt  []byte          // keys the deterministic transformers
	// Tables limits the run to these tables ("table" or "schema.table"),
	// as a migrations scope does; nil means every table with rules.
	Tables []string
	// Derived are rules a scope inferred for columns its migrations fill
	// from ruled ones; an explicit rule wins.
	Derived map[string]string // target column -> source column
	// Workers transform rows in parallel; 0 means one per CPU.
	Workers int
	// Method asks how tables are rewritten: "rewrite" (reload with keys
	// rebuilt) or "update" (in place); "" picks by the table's size. A
	// table whose ruled columns are unique is always rewritten: an update
	// in place would collide with values not yet rewritten.
	Method string
	// Columns, when set, limits the rewrite to the columns a scope's
	// migrations wrote (Scope.Writes: schema.table -> columns, or
	// AllColumns), in the rows where they are not NULL, writing only the
	// values that change; a ruled table it does not name is left alone.
	Columns map[string][]string
	// FromGolden says the database is a clone of an anonymised golden (a
	// PR's database): the name and noise transformers keep values bearing
	// their mark. Without it, as for a golden built from raw data, they
	// transform every value.
	FromGolden bool
	// Plan reports what would be rewritten and changes nothing.
	Plan     bool
	Progress io.Writer
}

// Report is what a run did, or with Plan would do.
type Report struct {
	Tables []TableReport
}

// Run anonymises the database conn is connected to. It checks everything
// first: every rule's transformer, table, column and type, and that no
// in-scope column looks personal without a rule (fail closed). Only then
// does it rewrite the tables, each in its own transaction.
func Run(ctx context.Context, conn *pgx.Conn, o Options) (Report, error) {
	rules := map[string]Rule{}
	for k, r := range o.Rules {
		if ref, err := ParseColumn(k); err == nil {
			k = ref.String()
		}
		rules[k] = r
	}
	for target, source := range o.Derived {
		if _, explicit := rules[target]; !explicit {
			if r, ok := rules[source]; ok {
				rules[target] = r
			}
		}
	}
	tr, err := compile(rules, o.Salt, o.FromGolden)
	if err != nil {
		return Report{}, err
	}
	// Noise's mark, on one value in two, is no proof where a migration
	// wrote a column from anything but another ruled column (VALUES, COPY,
	// an expression): there its values are noised again.
	distrusted := tr
	if o.FromGolden && o.Columns != nil {
		if distrusted, err = compile(rules, o.Salt, false); err != nil {
			return Report{}, err
		}
	}
	tables, err := scopeTables(ctx, conn, tr, o.Tables, o.Columns)
	if err != nil {
		return Report{}, err
	}
	if err := checkRules(tables, tr, o.Tables == nil); err != nil {
		return Report{}, err
	}
	allow := map[string]bool{}
	for _, a := range o.Allow {
		if ref, err := ParseColumn(a); err == nil {
			allow[ref.String()] = true
		}
	}
	found, err := detect(ctx, conn, tables, tr, allow)
	if err != nil {
		return Report{}, err
	}
	if len(found) > 0 {
		var lines []string
		for _, f := range found {
			lines = append(lines, fmt.Sprintf("%s (%s)", f.Column, f.Why))
		}
		return Report{}, fmt.Errorf("columns look personal but have no anonymisation rule: %s; add a rule for each under database.anonymize.rules, or list it under database.anonymize.allow", strings.Join(lines, ", "))
	}
	if o.Method != "" && o.Method != "rewrite" && o.Method != "update" {
		return Report{}, fmt.Errorf("method %q is not rewrite or update", o.Method)
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var rep Report
	for _, t := range tables {
		cols := tr[t.schema+"."+t.name]
		if o.Columns != nil {
			cols = writtenColumns(t, cols, o.Columns)
			distrustWrittenNoise(t, cols, distrusted, rules, o.Derived)
		}
		if len(cols) == 0 {
			continue
		}
		if o.Columns != nil && !anyUnique(t, cols) {
			r, err := columnPass(ctx, conn, t, cols, o.Plan, workers, o.Progress)
			if err != nil {
				return rep, err
			}
			rep.Tables = append(rep.Tables, r)
			continue
		}
		method := chooseMethod(o.Method, t, cols)
		if o.Plan {
			r := TableReport{Table: t.String(), Rows: int64(max(t.estRows, 0)), Method: method}
			for _, c := range slices.Sorted(maps.Keys(cols)) {
				r.Columns = append(r.Columns, c)
			}
			rep.Tables = append(rep.Tables, r)
			continue
		}
		r, err := anonymizeTable(ctx, conn, t, cols, method, workers, o.Progress)
		if err != nil {
			return rep, err
		}
		rep.Tables = append(rep.Tables, r)
	}
	if wroteRows(rep) && !o.Plan {
		// A materialized view keeps the rows it was last refreshed with:
		// the raw ones, until it is refreshed from the rewritten tables.
		if err := refreshViews(ctx, conn); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// refreshViews refreshes every populated materialized view.
func refreshViews(ctx context.Context, conn *pgx.Conn) error {
	rows, err := conn.Query(ctx, `SELECT format('%I.%I', schemaname, matviewname) FROM pg_matviews WHERE ispopulated`)
	if err != nil {
		return err
	}
	views, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, v := range views {
		if _, err := conn.Exec(ctx, "REFRESH MATERIALIZED VIEW "+v); err != nil {
			return fmt.Errorf("refresh the materialized view %s from the anonymised tables: %w", v, err)
		}
	}
	return nil
}

// scopeTables reads the tables a run covers: the given ones that exist, or
// every user table when none are given (detection looks at all of them).
// A relation that written (Options.Columns) names must be a table without
// inheriting tables, else which rows a write reached is unknown.
func scopeTables(ctx context.Context, q querier, tr compiled, names []string, written map[string][]string) ([]*table, error) {
	var refs [][2]string
	if names == nil {
		all, err := userTables(ctx, q)
		if err != nil {
			return nil, err
		}
		refs = all
	}
	for _, n := range names {
		schema, name, ok := strings.Cut(n, ".")
		if !ok {
			schema, name = "public", n
		}
		refs = append(refs, [2]string{schema, name})
	}
	var tables []*table
	for _, r := range refs {
		t, ok, err := readTable(ctx, q, r[0], r[1])
		if err != nil {
			return nil, err
		}
		_, writes := written[r[0]+"."+r[1]]
		if !writes && r[0] == "public" {
			_, writes = written[r[1]]
		}
		if !ok {
			if !writes {
				continue // dropped by the migrations in scope, or not a table
			}
			// A write through a view or a foreign table reaches rows the
			// scope cannot name: it fails closed.
			if kind, err := relationKind(ctx, q, r[0], r[1]); err != nil || kind != "" {
				return nil, errors.Join(err, fmt.Errorf("the migrations write %s.%s, a relation of kind %q, not a table: prenv cannot tell which rows that reached; set database.anonymize.scope: all", r[0], r[1], kind))
			}
			continue
		}
		if t.kind == 'p' {
			return nil, fmt.Errorf("%s is a partitioned table, which prenv cannot anonymise yet: rule its partitions instead", t)
		}
		if writes {
			if children, err := inheritedBy(ctx, q, t.oid); err != nil || children > 0 {
				return nil, errors.Join(err, fmt.Errorf("%s has %d inheriting tables, which a write to it reaches too: set database.anonymize.scope: all", t, children))
			}
		}
		tables = append(tables, t)
	}
	return tables, nil
}

// checkRules checks that every rule of a covered table names an existing
// column of a type its transformer can write; with all, that every rule's
// table exists too.
func checkRules(tables []*table, tr compiled, all bool) error {
	byName := map[string]*table{}
	for _, t := range tables {
		byName[t.schema+"."+t.name] = t
	}
	var errs []string
	for _, tn := range sortedKeys(tr) {
		t, ok := byName[tn]
		if !ok {
			if all {
				errs = append(errs, fmt.Sprintf("%s: no such table; fix or remove its rules", strings.TrimPrefix(tn, "public.")))
			}
			continue
		}
		for _, cn := range sortedKeys(tr[tn]) {
			c, ok := t.column(cn)
			switch {
			case !ok:
				errs = append(errs, fmt.Sprintf("%s.%s: no such column; fix or remove its rule", t, cn))
			case c.generated:
				errs = append(errs, fmt.Sprintf("%s.%s: a generated column; rule the columns it is computed from", t, cn))
			case !fits(tr[tn][cn].Kind(), c.typ):
				errs = append(errs, fmt.Sprintf("%s.%s: its transformer writes %s values into a %s column; choose one that fits, such as null, constant or noise", t, cn, tr[tn][cn].Kind(), c.typ))
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("anonymisation rules: %s", strings.Join(errs, "; "))
	}
	return nil
}

// chooseMethod picks how t is rewritten.
func chooseMethod(asked string, t *table, cols map[string]Transformer) string {
	for c := range cols {
		if t.unique[c] {
			return "rewrite"
		}
	}
	if asked != "" {
		return asked
	}
	if t.estRows < updateBelow {
		return "update"
	}
	return "rewrite"
}
