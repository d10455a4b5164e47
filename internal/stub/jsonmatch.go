package stub

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"regexp"
	"strings"
)

// jsonOptions are equalToJson's modifiers.
type jsonOptions struct {
	ignoreArrayOrder    bool
	ignoreExtraElements bool // extra object fields and extra array items
}

// JsonUnit's placeholders, which WireMock's equalToJson honours. prenv
// serves these; any other ${json-unit. string is refused at load.
const (
	placeholderPrefix = "${json-unit."
	anyString         = "${json-unit.any-string}"
	anyNumber         = "${json-unit.any-number}"
	anyBoolean        = "${json-unit.any-boolean}"
	ignoreValue       = "${json-unit.ignore}"
	regexPrefix       = "${json-unit.regex}"
)

// decodeJSON decodes one JSON document, keeping numbers exact.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("more than one JSON value")
	}
	return v, nil
}

// placeholder is a JsonUnit placeholder of an expected document, compiled.
type placeholder struct {
	kind string         // anyString, anyNumber, anyBoolean, ignoreValue or regexPrefix
	re   *regexp.Regexp // for regexPrefix
}

// compilePlaceholders returns v with each JsonUnit placeholder replaced by
// its compiled form, refusing those prenv does not serve.
func compilePlaceholders(v any) (any, error) {
	switch x := v.(type) {
	case string:
		if !strings.HasPrefix(x, placeholderPrefix) {
			return x, nil
		}
		switch {
		case x == anyString, x == anyNumber, x == anyBoolean, x == ignoreValue:
			return placeholder{kind: x}, nil
		case strings.HasPrefix(x, regexPrefix):
			re, err := anchored(strings.TrimPrefix(x, regexPrefix))
			return placeholder{kind: regexPrefix, re: re}, err
		}
		return nil, errors.New("holds the JsonUnit placeholder " + x + ", which prenv does not serve: use ${json-unit.any-string}, any-number, any-boolean, ignore or regex")
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			c, err := compilePlaceholders(e)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			c, err := compilePlaceholders(e)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	}
	return v, nil
}

// jsonEqual is JsonUnit's comparison as WireMock configures it: numbers
// equal by value (1 equals 1.0), placeholders in expected, and the two
// leniencies of o.
func jsonEqual(expected, actual any, o jsonOptions) bool {
	switch e := expected.(type) {
	case placeholder:
		return e.matches(actual)
	case nil:
		return actual == nil
	case bool:
		a, ok := actual.(bool)
		return ok && a == e
	case string:
		a, ok := actual.(string)
		return ok && a == e
	case json.Number:
		a, ok := actual.(json.Number)
		return ok && numbersEqual(e, a)
	case map[string]any:
		a, ok := actual.(map[string]any)
		if !ok || (!o.ignoreExtraElements && len(a) != len(e)) {
			return false
		}
		for k, ev := range e {
			av, present := a[k]
			if !present || !jsonEqual(ev, av, o) {
				return false
			}
		}
		return true
	case []any:
		a, ok := actual.([]any)
		if !ok || len(a) < len(e) || (!o.ignoreExtraElements && len(a) != len(e)) {
			return false
		}
		if o.ignoreArrayOrder {
			return matchUnordered(e, a, make([]bool, len(a)), o)
		}
		for i := range e {
			if !jsonEqual(e[i], a[i], o) {
				return false
			}
		}
		return true
	}
	return false
}

// matchUnordered finds a distinct element of actual equal to each element
// of expected, backtracking when a greedy choice blocks a later one.
func matchUnordered(expected, actual []any, used []bool, o jsonOptions) bool {
	if len(expected) == 0 {
		return true
	}
	for i := range actual {
		if used[i] || !jsonEqual(expected[0], actual[i], o) {
			continue
		}
		used[i] = true
		if matchUnordered(expected[1:], actual, used, o) {
			return true
		}
		used[i] = false
	}
	return false
}

func (p placeholder) matches(actual any) bool {
	switch p.kind {
	case ignoreValue:
		return true
	case anyString:
		_, ok := actual.(string)
		return ok
	case anyNumber:
		_, ok := actual.(json.Number)
		return ok
	case anyBoolean:
		_, ok := actual.(bool)
		return ok
	case regexPrefix:
		s, ok := actual.(string)
		return ok && p.re.MatchString(s)
	}
	return false
}

func numbersEqual(a, b json.Number) bool {
	if a == b {
		return true
	}
	x, okx := new(big.Rat).SetString(string(a))
	y, oky := new(big.Rat).SetString(string(b))
	return okx && oky && x.Cmp(y) == 0
}
