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
// alters, renames, writes or copies into, and the columns it fills from
// other columns.
type Scope struct {
	Tables []string // schema.table, after renames
	// Derived maps a column the migrations fill from another column to
	// that source, both as table.column: the target inherits the source's
	// rule, so PII copied into a new column is anonymised like the original.
	Derived map[string]string
	// Everything is set when a statement could not be attributed (a DO
	// block, a function, dynamic SQL): the run must cover every ruled table.
	Everything bool
	Warnings   []string
}

// ScopeFiles parses migration files with PostgreSQL's own parser and
// collects what they touch. An unparsable file is an error naming the
// file and line.
func ScopeFiles(paths []string) (Scope, error) {
	s := scopeBuilder{tables: map[string]bool{}, derived: map[string]string{}}
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
	s := scopeBuilder{tables: map[string]bool{}, derived: map[string]string{}}
	if err := s.add(name, sql); err != nil {
		return Scope{}, err
	}
	return s.scope(), nil
}

type scopeBuilder struct {
	tables     map[string]bool
	derived    map[string]string
	everything bool
	warnings   []string
}

func (s *scopeBuilder) scope() Scope {
	out := Scope{Derived: s.derived, Everything: s.everything, Warnings: s.warnings}
	for t, live := range s.tables {
		if live {
			out.Tables = append(out.Tables, t)
		}
	}
	slices.Sort(out.Tables)
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

// statement records what one statement touches.
func (s *scopeBuilder) statement(where string, n *pg_query.Node) {
	switch {
	case n.GetCreateStmt() != nil:
		s.touch(n.GetCreateStmt().Relation)
	case n.GetAlterTableStmt() != nil:
		s.touch(n.GetAlterTableStmt().Relation)
	case n.GetRenameStmt() != nil:
		r := n.GetRenameStmt()
		if r.RenameType == pg_query.ObjectType_OBJECT_TABLE && r.Relation != nil {
			delete(s.tables, name(r.Relation))
			s.tables[schemaOf(r.Relation)+"."+r.Newname] = true
		} else {
			s.touch(r.Relation)
			if r.RenameType == pg_query.ObjectType_OBJECT_COLUMN && r.Relation != nil {
				// The renamed column keeps the rule of its old name.
				s.derived[short(name(r.Relation))+"."+r.Newname] = short(name(r.Relation)) + "." + r.Subname
			}
		}
	case n.GetInsertStmt() != nil:
		ins := n.GetInsertStmt()
		s.touch(ins.Relation)
		var cols []string
		for _, c := range ins.Cols {
			cols = append(cols, c.GetResTarget().GetName())
		}
		if sel := ins.SelectStmt.GetSelectStmt(); sel != nil {
			s.lineage(ins.Relation, cols, sel)
		}
	case n.GetUpdateStmt() != nil:
		up := n.GetUpdateStmt()
		s.touch(up.Relation)
		for _, t := range up.TargetList {
			if src := columnSource(t.GetResTarget().GetVal(), up.FromClause); src != "" {
				s.derived[short(name(up.Relation))+"."+t.GetResTarget().GetName()] = src
			}
		}
	case n.GetCopyStmt() != nil && n.GetCopyStmt().IsFrom:
		s.touch(n.GetCopyStmt().Relation)
	case n.GetCreateTableAsStmt() != nil:
		ctas := n.GetCreateTableAsStmt()
		s.touch(ctas.Into.GetRel())
		if sel := ctas.Query.GetSelectStmt(); sel != nil {
			s.lineage(ctas.Into.GetRel(), nil, sel)
		}
	case n.GetSelectStmt() != nil && n.GetSelectStmt().IntoClause != nil:
		s.touch(n.GetSelectStmt().IntoClause.GetRel())
	case n.GetSelectStmt() != nil && mayWrite(n):
		s.unattributed(where, "a SELECT with a data-modifying WITH or a function call")
	case n.GetAlterObjectSchemaStmt() != nil && n.GetAlterObjectSchemaStmt().Relation != nil:
		// The table moves: its rules follow it under the new schema.
		rv := n.GetAlterObjectSchemaStmt().Relation
		delete(s.tables, name(rv))
		s.tables[n.GetAlterObjectSchemaStmt().Newschema+"."+rv.Relname] = true
	case n.GetMergeStmt() != nil:
		s.touch(n.GetMergeStmt().Relation)
	case n.GetDoStmt() != nil, n.GetCreateFunctionStmt() != nil, n.GetExecuteStmt() != nil, n.GetCallStmt() != nil:
		s.unattributed(where, "a DO block, function or dynamic statement")
	}
}

// unattributed widens the scope to every ruled table, saying why.
func (s *scopeBuilder) unattributed(where, what string) {
	s.everything = true
	s.warnings = append(s.warnings, fmt.Sprintf("%s: %s can write any table, so every table with rules is anonymised", where, what))
}

// harmlessFuncs are functions a migration's SELECT may call that write no
// table rows.
var harmlessFuncs = []string{"setval", "nextval", "currval", "set_config", "current_setting", "pg_advisory_lock", "pg_advisory_unlock", "pg_advisory_xact_lock", "now", "count", "max", "min"}

// mayWrite reports whether a top-level SELECT may change rows: through a
// data-modifying WITH, or a call to a function not known to be harmless.
func mayWrite(n *pg_query.Node) bool {
	sel := n.GetSelectStmt()
	if w := sel.GetWithClause(); w != nil {
		for _, cte := range w.Ctes {
			q := cte.GetCommonTableExpr().GetCtequery()
			if q.GetInsertStmt() != nil || q.GetUpdateStmt() != nil || q.GetDeleteStmt() != nil || q.GetMergeStmt() != nil {
				return true
			}
		}
	}
	for _, t := range sel.TargetList {
		if fc := t.GetResTarget().GetVal().GetFuncCall(); fc != nil {
			last := fc.Funcname[len(fc.Funcname)-1].GetString_().GetSval()
			if !slices.Contains(harmlessFuncs, last) {
				return true
			}
		}
	}
	return false
}

// lineage records, for INSERT ... SELECT and CREATE TABLE AS, which target
// column each plain column reference of the select list fills.
func (s *scopeBuilder) lineage(target *pg_query.RangeVar, cols []string, sel *pg_query.SelectStmt) {
	for i, item := range sel.TargetList {
		rt := item.GetResTarget()
		src := columnSource(rt.GetVal(), sel.FromClause)
		if src == "" {
			continue
		}
		col := rt.GetName()
		switch {
		case i < len(cols):
			col = cols[i]
		case col == "":
			col = src[strings.LastIndex(src, ".")+1:]
		}
		s.derived[short(name(target))+"."+col] = src
	}
}

// columnSource returns table.column for a plain column reference that can
// be tied to one table of from, or "".
func columnSource(val *pg_query.Node, from []*pg_query.Node) string {
	ref := val.GetColumnRef()
	if ref == nil {
		return ""
	}
	var parts []string
	for _, f := range ref.Fields {
		parts = append(parts, f.GetString_().GetSval())
	}
	tables := map[string]string{} // alias or name -> schema.table
	for _, f := range from {
		if rv := f.GetRangeVar(); rv != nil {
			tables[rv.Relname] = name(rv)
			if rv.Alias != nil {
				tables[rv.Alias.Aliasname] = name(rv)
			}
		}
	}
	switch {
	case len(parts) == 2 && tables[parts[0]] != "":
		return short(tables[parts[0]]) + "." + parts[1]
	case len(parts) == 1 && len(from) == 1 && len(tables) > 0:
		return short(name(from[0].GetRangeVar())) + "." + parts[0]
	}
	return ""
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
