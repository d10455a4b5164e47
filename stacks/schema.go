package stacks

import (
	"encoding/json"
	"reflect"
)

// JSONSchema returns a JSON Schema (draft 2020-12) for prenv.yaml, built
// from the same struct tags that Load checks, so editors can complete and
// check the file as they type.
func JSONSchema() ([]byte, error) {
	s := schemaOf(reflect.TypeFor[Blueprint]())
	s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	s["title"] = "prenv blueprint (prenv.yaml)"
	return json.MarshalIndent(s, "", "  ")
}

func schemaOf(t reflect.Type) map[string]any {
	if t == durationType {
		return map[string]any{"type": "string", "pattern": `^([0-9]+d|([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$`}
	}
	switch t.Kind() {
	case reflect.Struct:
		props := map[string]any{}
		var required []string
		for _, f := range fieldsOf(t) {
			p := schemaOf(t.Field(f.index).Type)
			if f.doc != "" {
				p["description"] = f.doc
			}
			if f.enum != nil {
				p["enum"] = f.enum
			}
			if f.required {
				required = append(required, f.name)
			}
			props[f.name] = p
		}
		s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
		if required != nil {
			s["required"] = required
		}
		return s
	case reflect.Slice:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem())}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Int:
		return map[string]any{"type": "integer"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Float64:
		return map[string]any{"type": "number", "minimum": 0}
	default:
		return map[string]any{}
	}
}
