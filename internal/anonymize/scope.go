package anonymize

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/pganalyze/pg_query_go/v6/parser"
)

// Scope is what a set of migrations touches: the tables it creates,
// alters, renames, writes or copies into, the columns it writes values
// into, and the columns it fills from other columns.
type Scope struct {
	Tables []string // schema.table, after renames
	// Writes maps each table the migrations wrote values into
	// (schema.table, after renames) to the columns written, sorted; AllColumns
	// when whole rows were inserted, copied or merged. Adding a column,
	// an index or a constraint, or renaming, writes nothing.
	Writes map[string][]string
	// Derived maps a column the migrations fill from another column to
	// that source, both as table.column: the target inherits the source's
	// rule, so PII copied into a new column is anonymised like the original.
	Derived map[string]string
	// Everything is set when a statement could not be attributed (a DO
	// block, a function, dynamic SQL): the run must cover every ruled table.
	Everything bool
	Warnings   []string
}

// AllColumns in Scope.Writes stands for every column of a table.
const AllColumns = "*"

// ScopeFiles parses migration files with PostgreSQL's own parser and
// collects what they touch. An unparsable file is an error naming the
// file and line.
func ScopeFiles(paths []string) (Scope, error) {
	s := newScopeBuilder()
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return Scope{}, err
		}
		if err := s.add(filepath.Base(p), string(data)); err != nil {
			return Scope{}, err
		}
	}
	return s.scope(), nil
}

// ScopeSQL is ScopeFiles for SQL held in memory; name is used in errors.
func ScopeSQL(name, sql string) (Scope, error) {
	s := newScopeBuilder()
	if err := s.add(name, sql); err != nil {
		return Scope{}, err
	}
	return s.scope(), nil
}

type scopeBuilder struct {
	tables     map[string]bool
	writes     map[string]map[string]bool // schema.table -> columns
	derived    map[string]string
	everything bool
	warnings   []string
}

func newScopeBuilder() *scopeBuilder {
	return &scopeBuilder{tables: map[string]bool{}, writes: map[string]map[string]bool{}, derived: map[string]string{}}
}

func (s *scopeBuilder) scope() Scope {
	out := Scope{Derived: s.derived, Everything: s.everything, Warnings: s.warnings, Writes: map[string][]string{}}
	for t, live := range s.tables {
		if live {
			out.Tables = append(out.Tables, t)
		}
	}
	slices.Sort(out.Tables)
	for t, cols := range s.writes {
		if len(cols) > 0 {
			out.Writes[t] = sortedKeys(cols)
			if cols[AllColumns] {
				out.Writes[t] = []string{AllColumns}
			}
		}
	}
	return out
}

func (s *scopeBuilder) add(file, sql string) error {
	tree, err := pg_query.Parse(sql)
	if err != nil {
		var pe *parser.Error
		if errors.As(err, &pe) && pe.Cursorpos > 0 {
			line := 1 + strings.Count(sql[:min(pe.Cursorpos-1, len(sql))], "\n")
			return fmt.Errorf("%s:%d: %s: fix the migration's SQL", file, line, pe.Message)
		}
		return fmt.Errorf("%s: %v: fix the migration's SQL", file, err)
	}
	for _, raw := range tree.Stmts {
		line := 1 + strings.Count(sql[:min(int(raw.StmtLocation), len(sql))], "\n")
		s.statement(fmt.Sprintf("%s:%d", file, line), raw.Stmt)
	}
	return nil
}

// statement records what one statement touches and writes.
func (s *scopeBuilder) statement(where string, n *pg_query.Node) {
	if why := unknownWrite(n); why != "" {
		s.unattributed(where, why)
		return
	}
	switch {
	case n.GetCreateStmt() != nil:
		s.touch(n.GetCreateStmt().Relation) // empty: nothing written
	case n.GetAlterTableStmt() != nil:
		s.alterTable(n.GetAlterTableStmt())
	case n.GetRenameStmt() != nil:
		s.rename(n.GetRenameStmt())
	case n.GetInsertStmt() != nil:
		ins := n.GetInsertStmt()
		s.touch(ins.Relation)
		var cols []string
		for _, c := range ins.Cols {
			cols = append(cols, c.GetResTarget().GetName())
		}
		s.write(ins.Relation, cols...)
		if oc := ins.OnConflictClause; oc != nil {
			for _, t := range oc.TargetList {
				s.write(ins.Relation, t.GetResTarget().GetName())
			}
		}
		if sel := ins.SelectStmt.GetSelectStmt(); sel != nil {
			s.lineage(ins.Relation, cols, sel)
		}
	case n.GetUpdateStmt() != nil:
		up := n.GetUpdateStmt()
		s.touch(up.Relation)
		from := up.FromClause
		if len(from) == 0 {
			// Unqualified columns are the updated table's own.
			from = []*pg_query.Node{{Node: &pg_query.Node_RangeVar{RangeVar: up.Relation}}}
		}
		for _, t := range up.TargetList {
			col := t.GetResTarget().GetName()
			s.write(up.Relation, col)
			// A column set from itself (total = total) is derived too: what
			// it holds came from a ruled column, the golden's.
			if src := columnSource(t.GetResTarget().GetVal(), from, up.Relation); src != "" {
				s.derived[short(name(up.Relation))+"."+col] = src
			}
		}
	case n.GetCopyStmt() != nil && n.GetCopyStmt().IsFrom:
		cp := n.GetCopyStmt()
		s.touch(cp.Relation)
		var cols []string
		for _, c := range cp.Attlist {
			cols = append(cols, c.GetString_().GetSval())
		}
		s.write(cp.Relation, cols...)
	case n.GetCopyStmt() != nil:
		// COPY TO writes no table.
	case n.GetCreateTableAsStmt() != nil:
		ctas := n.GetCreateTableAsStmt()
		s.touch(ctas.Into.GetRel())
		s.write(ctas.Into.GetRel())
		if sel := ctas.Query.GetSelectStmt(); sel != nil {
			s.lineage(ctas.Into.GetRel(), nil, sel)
		}
	case n.GetSelectStmt() != nil && n.GetSelectStmt().IntoClause != nil:
		into := n.GetSelectStmt().IntoClause.GetRel()
		s.touch(into)
		s.write(into)
		s.lineage(into, nil, n.GetSelectStmt())
	case n.GetSelectStmt() != nil:
		// A plain SELECT of harmless functions (setval) writes nothing.
	case n.GetAlterObjectSchemaStmt() != nil && n.GetAlterObjectSchemaStmt().Relation != nil:
		// The table moves: its rules and writes follow it.
		rv := n.GetAlterObjectSchemaStmt().Relation
		s.move(name(rv), n.GetAlterObjectSchemaStmt().Newschema+"."+rv.Relname)
	case n.GetMergeStmt() != nil:
		s.touch(n.GetMergeStmt().Relation)
		s.write(n.GetMergeStmt().Relation)
	case n.GetVariableSetStmt() != nil && !publicPath(n.GetVariableSetStmt()):
		// Unqualified names no longer mean public's tables.
		if v := n.GetVariableSetStmt(); v.Name == "role" || v.Name == "session_authorization" {
			s.unattributed(where, "a change of role (SET "+strings.ToUpper(strings.ReplaceAll(v.Name, "_", " "))+")")
		} else {
			s.unattributed(where, "a search_path other than public")
		}
	case writesNothing(n):
	default:
		s.unattributed(where, statementKind(n))
	}
}

// alterTable records an ALTER TABLE: only a column's type change with
// USING rewrites values; adding columns (their defaults are constants),
// constraints, defaults and the rest write none.
func (s *scopeBuilder) alterTable(at *pg_query.AlterTableStmt) {
	s.touch(at.Relation)
	for _, c := range at.Cmds {
		cmd := c.GetAlterTableCmd()
		if cmd.GetSubtype() == pg_query.AlterTableType_AT_AlterColumnType && cmd.GetDef().GetColumnDef().GetRawDefault() != nil {
			s.write(at.Relation, cmd.Name)
		}
	}
}

// rename follows a table or column to its new name.
func (s *scopeBuilder) rename(r *pg_query.RenameStmt) {
	switch {
	case r.Relation == nil:
	case r.RenameType == pg_query.ObjectType_OBJECT_TABLE:
		s.move(name(r.Relation), schemaOf(r.Relation)+"."+r.Newname)
	case r.RenameType == pg_query.ObjectType_OBJECT_COLUMN:
		s.touch(r.Relation)
		t := short(name(r.Relation))
		// The renamed column keeps the rule of its old name, or of the
		// column that name was filled from.
		src := t + "." + r.Subname
		if d, ok := s.derived[src]; ok {
			delete(s.derived, src)
			src = d
		}
		s.derived[t+"."+r.Newname] = src
		if cols := s.writes[name(r.Relation)]; cols[r.Subname] {
			delete(cols, r.Subname)
			cols[r.Newname] = true
		}
	default:
		s.touch(r.Relation)
	}
}

// move follows a table from one schema.table to another.
func (s *scopeBuilder) move(from, to string) {
	delete(s.tables, from)
	s.tables[to] = true
	if w, ok := s.writes[from]; ok {
		delete(s.writes, from)
		s.writes[to] = w
	}
}

// write records values written into rv's columns; none means whole rows.
func (s *scopeBuilder) write(rv *pg_query.RangeVar, cols ...string) {
	if rv == nil || rv.Relname == "" || rv.Relpersistence == "t" {
		return
	}
	t := name(rv)
	if s.writes[t] == nil {
		s.writes[t] = map[string]bool{}
	}
	if len(cols) == 0 {
		cols = []string{AllColumns}
	}
	for _, c := range cols {
		s.writes[t][c] = true
	}
}

// unattributed widens the scope to every ruled table, saying why.
func (s *scopeBuilder) unattributed(where, what string) {
	s.everything = true
	s.warnings = append(s.warnings, fmt.Sprintf("%s: %s can write any table, so every ruled column is anonymised", where, what))
}

func (s *scopeBuilder) touch(rv *pg_query.RangeVar) {
	if rv != nil && rv.Relname != "" && rv.Relpersistence != "t" {
		s.tables[name(rv)] = true
	}
}

func name(rv *pg_query.RangeVar) string { return schemaOf(rv) + "." + rv.Relname }

func schemaOf(rv *pg_query.RangeVar) string {
	if rv.Schemaname == "" {
		return "public"
	}
	return rv.Schemaname
}

// short drops the default schema, as rules are written.
func short(table string) string { return strings.TrimPrefix(table, "public.") }

// publicPath reports whether a SET leaves unqualified names in public and
// writes as the migrations' role: it sets another variable, or search_path
// to public alone. A RESET or DEFAULT search_path ("$user", public) and a
// change of role (whose name may be a schema on that path) do not.
func publicPath(v *pg_query.VariableSetStmt) bool {
	switch v.Name {
	case "role", "session_authorization":
		return false
	case "search_path":
		return v.Kind == pg_query.VariableSetKind_VAR_SET_VALUE &&
			len(v.Args) == 1 && v.Args[0].GetAConst().GetSval().GetSval() == "public"
	}
	return v.Kind != pg_query.VariableSetKind_VAR_RESET_ALL
}
