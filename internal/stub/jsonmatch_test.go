package stub

import "testing"

func TestJSONEqual(t *testing.T) {
	t.Parallel()
	strict, lenient := jsonOptions{}, jsonOptions{ignoreArrayOrder: true, ignoreExtraElements: true}
	cases := []struct {
		name             string
		expected, actual string
		opts             jsonOptions
		want             bool
	}{
		{"equal objects in another key order", `{"a": 1, "b": [true, null]}`, `{"b": [true, null], "a": 1}`, strict, true},
		{"numbers by value", `{"n": 1}`, `{"n": 1.00}`, strict, true},
		{"numbers by value in exponent form", `{"n": 100}`, `{"n": 1e2}`, strict, true},
		{"a number is not its string", `{"n": 1}`, `{"n": "1"}`, strict, false},
		{"an extra field", `{"a": 1}`, `{"a": 1, "b": 2}`, strict, false},
		{"an extra field, ignored", `{"a": 1}`, `{"a": 1, "b": 2}`, jsonOptions{ignoreExtraElements: true}, true},
		{"a missing field", `{"a": 1, "b": 2}`, `{"a": 1}`, lenient, false},
		{"array order", `[1, 2, 3]`, `[3, 2, 1]`, strict, false},
		{"array order, ignored", `[1, 2, 3]`, `[3, 2, 1]`, jsonOptions{ignoreArrayOrder: true}, true},
		{"extra array items", `[1, 2]`, `[1, 2, 3]`, strict, false},
		{"extra array items at the end, ignored", `[1, 2]`, `[1, 2, 3]`, jsonOptions{ignoreExtraElements: true}, true},
		{"extra array items in order, not at the end", `[1, 2]`, `[0, 1, 2]`, jsonOptions{ignoreExtraElements: true}, false},
		{"unordered with repeats needs distinct matches", `[1, 1]`, `[1, 2]`, jsonOptions{ignoreArrayOrder: true}, false},
		{"unordered, extra and nested", `[{"id": 2}, {"id": 1}]`, `[{"id": 1, "x": 0}, {"id": 3}, {"id": 2}]`, lenient, true},
		{"unordered needs backtracking", `[{"a": 1}, {"a": 1, "b": 2}]`, `[{"a": 1, "b": 2}, {"a": 1}]`, jsonOptions{ignoreArrayOrder: true, ignoreExtraElements: true}, true},
		{"any-string", `{"id": "${json-unit.any-string}"}`, `{"id": "abc123"}`, strict, true},
		{"any-string is not a number", `{"id": "${json-unit.any-string}"}`, `{"id": 7}`, strict, false},
		{"any-number", `{"n": "${json-unit.any-number}"}`, `{"n": 2.5}`, strict, true},
		{"any-boolean", `{"b": "${json-unit.any-boolean}"}`, `{"b": false}`, strict, true},
		{"ignore takes anything present", `{"x": "${json-unit.ignore}"}`, `{"x": {"deep": [1]}}`, strict, true},
		{"ignore needs the field", `{"x": "${json-unit.ignore}"}`, `{}`, strict, false},
		{"regex", `{"code": "${json-unit.regex}[A-Z]{3}-\\d+"}`, `{"code": "ABC-42"}`, strict, true},
		{"regex matches the whole value", `{"code": "${json-unit.regex}[A-Z]{3}"}`, `{"code": "ABCD"}`, strict, false},
		{"null", `null`, `null`, strict, true},
		{"null is not false", `{"a": null}`, `{"a": false}`, strict, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw, err := decodeJSON([]byte(tc.expected))
			if err != nil {
				t.Fatal(err)
			}
			expected, err := compilePlaceholders(raw)
			if err != nil {
				t.Fatal(err)
			}
			actual, err := decodeJSON([]byte(tc.actual))
			if err != nil {
				t.Fatal(err)
			}
			if got := jsonEqual(expected, actual, tc.opts); got != tc.want {
				t.Errorf("jsonEqual(%s, %s, %+v) = %v, want %v", tc.expected, tc.actual, tc.opts, got, tc.want)
			}
		})
	}
}

func TestNormalisedLevenshtein(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b string
		want float64
	}{
		{"", "", 0}, {"abc", "abc", 0}, {"abc", "", 1}, {"/some/thing", "/some/thing/else", 5.0 / 16}, {"kitten", "sitting", 3.0 / 7},
	}
	for _, tc := range cases {
		if got := normalisedLevenshtein(tc.a, tc.b); got != tc.want {
			t.Errorf("normalisedLevenshtein(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
