package stacks

import (
	"reflect"
	"strings"
)

// field is one YAML key of a blueprint struct, read from its tags. The same
// tags drive loading, validation and the JSON Schema, so they cannot drift.
type field struct {
	index    int
	name     string
	doc      string
	enum     []string
	required bool
}

func fieldsOf(t reflect.Type) []field {
	var fs []field
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if !sf.IsExported() || name == "" || name == "-" {
			continue
		}
		f := field{index: i, name: name, doc: sf.Tag.Get("doc"), required: sf.Tag.Get("required") == "true"}
		if e := sf.Tag.Get("enum"); e != "" {
			f.enum = strings.Split(e, ",")
		}
		fs = append(fs, f)
	}
	return fs
}

func fieldNames(fs []field) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

var durationType = reflect.TypeFor[Duration]()
