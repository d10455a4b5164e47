package anonymize

import (
	"fmt"
	"sort"
	"strings"
)

// Rule is one column's transformer, as the blueprint gives it.
type Rule struct {
	Transformer string
	Options     map[string]any
}

// ColumnRef names a column: schema, table and column.
type ColumnRef struct{ Schema, Table, Column string }

// ParseColumn reads "table.column" (schema public) or
// "schema.table.column".
func ParseColumn(s string) (ColumnRef, error) {
	parts := strings.Split(s, ".")
	switch len(parts) {
	case 2:
		return ColumnRef{"public", parts[0], parts[1]}, nil
	case 3:
		return ColumnRef{parts[0], parts[1], parts[2]}, nil
	}
	return ColumnRef{}, fmt.Errorf("%q is not table.column or schema.table.column", s)
}

func (c ColumnRef) String() string {
	if c.Schema == "public" {
		return c.Table + "." + c.Column
	}
	return c.Schema + "." + c.Table + "." + c.Column
}

// TableName is the column's table as schema.table.
func (c ColumnRef) TableName() string { return c.Schema + "." + c.Table }

// compiled is the rules built into transformers, by table and column.
type compiled map[string]map[string]Transformer // schema.table -> column -> transformer

// compile builds every rule's transformer, trusting the name and noise
// marks when trustMarks. A rule keyed by the salt without a salt, or an
// unknown transformer, is an error naming the column.
func compile(rules map[string]Rule, salt []byte, trustMarks bool) (compiled, error) {
	out := compiled{}
	var errs []string
	for _, key := range sortedKeys(rules) {
		ref, err := ParseColumn(key)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		r := rules[key]
		if NeedsSalt(r.Transformer) && len(salt) == 0 {
			errs = append(errs, fmt.Sprintf("%s: transformer %s is keyed by the salt, and none was given: set the variable database.anonymize.salt-env names", key, r.Transformer))
			continue
		}
		t, err := newTransformer(r.Transformer, r.Options, salt, trustMarks)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", key, err))
			continue
		}
		if out[ref.TableName()] == nil {
			out[ref.TableName()] = map[string]Transformer{}
		}
		out[ref.TableName()][ref.Column] = t
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("anonymisation rules: %s", strings.Join(errs, "; "))
	}
	return out, nil
}

// fits reports whether a transformer writing kind can fill a column of
// PostgreSQL type typ.
func fits(kind, typ string) bool {
	col := typeKind(typ)
	switch kind {
	case "any":
		return true
	case "text":
		return col == "text"
	default:
		return col == kind || col == "text"
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
