package anonymize

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// lineage records, for INSERT ... SELECT and CREATE TABLE AS, which target
// column each plain column reference of the select list fills.
func (s *scopeBuilder) lineage(target *pg_query.RangeVar, cols []string, sel *pg_query.SelectStmt) {
	for i, item := range sel.TargetList {
		rt := item.GetResTarget()
		src := columnSource(rt.GetVal(), sel.FromClause, nil)
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
// be tied to one table of from, or "". A qualified reference may also
// name self, an UPDATE's own table.
func columnSource(val *pg_query.Node, from []*pg_query.Node, self *pg_query.RangeVar) string {
	ref := val.GetColumnRef()
	if ref == nil {
		return ""
	}
	var parts []string
	for _, f := range ref.Fields {
		parts = append(parts, f.GetString_().GetSval())
	}
	tables := map[string]string{} // alias or name -> schema.table
	for _, rv := range append(rangeVars(from), self) {
		if rv == nil {
			continue
		}
		tables[rv.Relname] = name(rv)
		if rv.Alias != nil {
			tables[rv.Alias.Aliasname] = name(rv)
		}
	}
	switch {
	case len(parts) == 2 && tables[parts[0]] != "":
		return short(tables[parts[0]]) + "." + parts[1]
	case len(parts) == 1 && len(from) == 1 && from[0].GetRangeVar() != nil:
		return short(name(from[0].GetRangeVar())) + "." + parts[0]
	}
	return ""
}

func rangeVars(from []*pg_query.Node) []*pg_query.RangeVar {
	var out []*pg_query.RangeVar
	for _, f := range from {
		if rv := f.GetRangeVar(); rv != nil {
			out = append(out, rv)
		}
	}
	return out
}
