package anonymize

import "fmt"

// optionSet reads a rule's options, keeping the first type error.
type optionSet struct {
	m   map[string]any
	err error
}

func options(m map[string]any) *optionSet { return &optionSet{m: m} }

func (o *optionSet) str(k, def string) string {
	v, ok := o.m[k]
	if !ok {
		return def
	}
	s, ok := v.(string)
	if !ok {
		o.fail(k, "a string")
	}
	return s
}

func (o *optionSet) int(k string, def int) int {
	switch v := o.m[k].(type) {
	case nil:
		return def
	case int:
		return v
	case float64: // rules that went through JSON
		if v == float64(int(v)) {
			return int(v)
		}
	}
	o.fail(k, "a whole number")
	return def
}

func (o *optionSet) float(k string, def float64) float64 {
	switch v := o.m[k].(type) {
	case nil:
		return def
	case int:
		return float64(v)
	case float64:
		return v
	default:
		o.fail(k, "a number")
		return def
	}
}

func (o *optionSet) bool(k string) bool {
	v, ok := o.m[k].(bool)
	if _, present := o.m[k]; present && !ok {
		o.fail(k, "true or false")
	}
	return v
}

func (o *optionSet) fail(k, want string) {
	if o.err == nil {
		o.err = fmt.Errorf("options.%s must be %s", k, want)
	}
}
