package anonymize

import (
	"slices"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// walk calls visit on m and every message below it in a parse tree.
func walk(m protoreflect.Message, visit func(protoreflect.Message)) {
	visit(m)
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsMap() || fd.Message() == nil:
		case fd.IsList():
			l := v.List()
			for i := range l.Len() {
				walk(l.Get(i).Message(), visit)
			}
		default:
			walk(v.Message(), visit)
		}
		return true
	})
}

// harmlessFuncs are built-in functions a migration may call that write no
// table rows: sequences, settings, locks, and the usual scalar functions.
var harmlessFuncs = []string{
	"setval", "nextval", "currval", "current_setting", "pg_advisory_lock", "pg_advisory_unlock", "pg_advisory_xact_lock",
	"now", "clock_timestamp", "statement_timestamp", "transaction_timestamp", "timezone", "date_trunc", "date_part", "extract", "age", "to_char", "to_date", "to_timestamp", "make_date", "make_interval",
	"count", "max", "min", "sum", "avg", "string_agg", "array_agg", "jsonb_agg", "json_agg", "bool_and", "bool_or",
	"lower", "upper", "initcap", "trim", "btrim", "ltrim", "rtrim", "length", "char_length", "substring", "substr", "left", "right", "replace", "split_part",
	"concat", "concat_ws", "format", "position", "strpos", "lpad", "rpad", "reverse", "regexp_replace", "regexp_match", "md5", "encode", "decode", "translate",
	"abs", "round", "ceil", "floor", "greatest", "least", "random", "gen_random_uuid", "uuid_generate_v4",
	"jsonb_build_object", "json_build_object", "jsonb_set", "to_jsonb", "to_json", "jsonb_extract_path_text", "array_length", "unnest", "generate_series",
	"array_to_string", "string_to_array", "to_tsvector", "setweight", "octet_length", "sha256",
}

// funcName is a call's name, schema-qualified when the call names one.
func funcName(fc *pg_query.FuncCall) string {
	var parts []string
	for _, n := range fc.Funcname {
		parts = append(parts, n.GetString_().GetSval())
	}
	return strings.Join(parts, ".")
}

// unknownWrite says why a statement's tree may write rows the scope cannot
// attribute, or "": a call to a function not known to be harmless (it may
// be a user's function that writes any table), or a data-modifying WITH.
func unknownWrite(stmt *pg_query.Node) string {
	why := ""
	walk(stmt.ProtoReflect(), func(m protoreflect.Message) {
		if why != "" {
			return
		}
		switch x := m.Interface().(type) {
		case *pg_query.FuncCall:
			name := strings.TrimPrefix(funcName(x), "pg_catalog.")
			if !slices.Contains(harmlessFuncs, name) {
				why = "a call to " + name + "()"
			}
		case *pg_query.InsertStmt, *pg_query.UpdateStmt, *pg_query.DeleteStmt, *pg_query.MergeStmt:
			if !isStatement(stmt, x) {
				why = "a data-modifying WITH"
			}
		}
	})
	return why
}

// isStatement reports whether x is stmt's own top-level INSERT, UPDATE,
// DELETE or MERGE rather than one nested in it.
func isStatement(stmt *pg_query.Node, x any) bool {
	switch x := x.(type) {
	case *pg_query.InsertStmt:
		return stmt.GetInsertStmt() == x
	case *pg_query.UpdateStmt:
		return stmt.GetUpdateStmt() == x
	case *pg_query.DeleteStmt:
		return stmt.GetDeleteStmt() == x
	case *pg_query.MergeStmt:
		return stmt.GetMergeStmt() == x
	}
	return false
}
