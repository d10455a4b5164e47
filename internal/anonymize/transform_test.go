package anonymize

import (
	"net"
	"regexp"
	"strings"
	"testing"
)

func TestTransformers(t *testing.T) {
	t.Parallel()
	salt := []byte("s")
	for _, tc := range []struct {
		name  string
		opts  map[string]any
		in    string
		match string // the output must match this
	}{
		{"null", nil, "x", ""},
		{"constant", map[string]any{"value": "redacted"}, "x", `^redacted$`},
		{"hash", map[string]any{"length": 12}, "ada@corp.example", `^[0-9a-f]{12}$`},
		{"email", nil, "ada@corp.example", `^[a-z]+\.[0-9a-f]{10}@example\.com$`},
		{"email", map[string]any{"domain": "test.invalid"}, "ada@corp.example", `@test\.invalid$`},
		{"name", nil, "Ada Lovelace", `^[A-Z][a-z]+\x{a0}[A-Z][A-Za-z-]+$`},
		{"phone", nil, "+44 20 7946 0000", `^\+1-555-01\d{2}-\d{4}$`},
		{"address", nil, "1 Real Road", `^\d+ [A-Za-z ]+$`},
		{"ip", nil, "203.0.113.7", `^198\.1[89]\.\d+\.\d+$`},
		{"mask", map[string]any{"keep-last": 4}, "4111111111111111", `^\*{12}1111$`},
		{"mask", map[string]any{"keep-domain": true}, "ada@corp.example", `^\*{6}@corp\.example$`},
		{"noise", map[string]any{"range": 5}, "100", `^(9[5-9]|10[0-5])$`},
		{"noise", map[string]any{"type": "date", "range": 3}, "2000-01-10", `^2000-01-(0[7-9]|1[0-3])$`},
		{"noise", map[string]any{"type": "date", "range": 1}, "2000-01-10 12:00:00+05:30", `^2000-01-(09|1[01]) \d\d:\d\d:\d\d(\.\d+)?\+05:30$`},
		{"constant", map[string]any{"value": 1000000.0}, "x", `^1000000$`},
		{"hash", map[string]any{"length": 12.0}, "ada@corp.example", `^[0-9a-f]{12}$`},
		{"regex", map[string]any{"pattern": `\d`, "replace": "#"}, "ab12", `^ab##$`},
		{"passthrough", nil, "kept", `^kept$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tr, err := New(tc.name, tc.opts, salt)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tr.Transform(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if tc.match == "" {
				if got != nil {
					t.Errorf("got %q, want NULL", *got)
				}
				return
			}
			if got == nil || !regexp.MustCompile(tc.match).MatchString(*got) {
				t.Errorf("%s(%q) = %v, want /%s/", tc.name, tc.in, deref(got), tc.match)
			}
			again, _ := tr.Transform(tc.in)
			if deref(again) != deref(got) {
				t.Error("not deterministic")
			}
			if tc.name != "passthrough" && deref(got) == tc.in {
				t.Error("the value came through unchanged")
			}
			if fixed := map[string]bool{"email": true, "phone": true, "ip": true, "address": true, "hash": true, "name": true, "noise": true}; fixed[tc.name] {
				again, _ := newTransformer(tc.name, tc.opts, salt, true) // as over a clone of the golden
				if twice, _ := again.Transform(deref(got)); deref(twice) != deref(got) {
					t.Errorf("%s is not a fixed point of its own output: %q became %q", tc.name, deref(got), deref(twice))
				}
			}
			if tc.name == "ip" && net.ParseIP(deref(got)) == nil {
				t.Errorf("%q is not an IP address", deref(got))
			}
		})
	}
	other, _ := New("email", nil, []byte("another salt"))
	mine, _ := New("email", nil, salt)
	a, _ := other.Transform("ada@corp.example")
	b, _ := mine.Transform("ada@corp.example")
	if *a == *b {
		t.Error("two salts gave the same email")
	}
}

func TestTransformerErrorsNameTheFix(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]map[string]any{
		"scramble": nil,
		"constant": nil,
		"mask":     {"keep-first": "two"},
		"regex":    {"pattern": "("},
		"noise":    {"type": "colour"},
	} {
		if _, err := New(name, opts, nil); err == nil {
			t.Errorf("%s %v: no error", name, opts)
		}
	}
	if _, err := New("scramble", nil, nil); err == nil || !strings.Contains(err.Error(), "use one of") {
		t.Errorf("unknown transformer: %v", err)
	}
}

func TestCopyTextRoundTrip(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"plain", "tab\there", "new\nline", `back\slash`, "cr\rx", ""} {
		enc := appendField(nil, &v)
		got, null := decodeField(enc)
		if null || got != v {
			t.Errorf("round trip of %q: %q (null %v)", v, got, null)
		}
	}
	if _, null := decodeField([]byte(`\N`)); !null {
		t.Error(`\N is not NULL`)
	}
	if got, _ := decodeField([]byte(`\x41\101\\`)); got != `AA\` {
		t.Errorf("hex and octal escapes: %q", got)
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func TestTransformBatchKeepsEmptyFields(t *testing.T) {
	t.Parallel()
	hash, _ := New("hash", map[string]any{"length": 4}, []byte("s"))
	b := &batch{rows: [][]byte{[]byte("1\tx\t\n"), []byte("\t\\N\t\n")}}
	transformBatch(b, []fieldRule{{index: 1, column: "t.c", t: hash}})
	if b.err != nil {
		t.Fatal(b.err)
	}
	rows := strings.Split(strings.TrimSuffix(string(b.out), "\n"), "\n")
	if len(rows) != 2 || strings.Count(rows[0], "\t") != 2 || !strings.HasSuffix(rows[0], "\t") || rows[1] != "\t\\N\t" {
		t.Errorf("rows = %q; want three fields each, the empty ones kept and NULL still NULL", rows)
	}
}

func TestTransformStreamChunks(t *testing.T) {
	t.Parallel()
	hash, _ := New("hash", map[string]any{"length": 8}, []byte("s"))
	rules := []fieldRule{{index: 1, column: "t.c", t: hash, unique: true}}
	long := strings.Repeat("x", 3*chunkSize)
	var out strings.Builder
	in := "1\ta\n2\t" + long + "\n3\ta\n"
	rows, err := transformStream(t.Context(), strings.NewReader(in), &out, rules, 2, 3, func(int64) {})
	if err != nil || rows != 3 {
		t.Fatalf("rows %d, err %v", rows, err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "2\t") || len(lines[1]) != 2+8 || lines[0][2:] == lines[2][2:] {
		t.Errorf("lines = %q (the two equal values must be made unique)", lines)
	}
	if _, err := transformStream(t.Context(), strings.NewReader("1\ta\n2\tcut"), &out, rules, 2, 3, func(int64) {}); err == nil {
		t.Error("a stream cut mid-row was accepted")
	}
}
