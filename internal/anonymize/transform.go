package anonymize

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Transformer rewrites one column's values. Transform is given a non-NULL
// value in PostgreSQL's text form and returns the new value, or nil for
// NULL. It must be safe for concurrent use and deterministic for a salt.
type Transformer interface {
	Transform(value string) (*string, error)
	// Kind is the type category the transformer writes: text, number,
	// date, inet or any (its output fits the column's own type).
	Kind() string
}

// kinds maps PostgreSQL type names to the category a transformer must
// write into them.
func typeKind(pgType string) string {
	switch t := strings.TrimSuffix(pgType, "[]"); {
	case t == "text", t == "citext", t == "name", strings.HasPrefix(t, "character"), strings.HasPrefix(t, "varchar"), strings.HasPrefix(t, "char"):
		return "text"
	case t == "smallint", t == "integer", t == "bigint", t == "real", t == "double precision", strings.HasPrefix(t, "numeric"), strings.HasPrefix(t, "decimal"):
		return "number"
	case t == "date", strings.HasPrefix(t, "timestamp"):
		return "date"
	case t == "inet", t == "cidr":
		return "inet"
	}
	return "other"
}

// Transformers are the names a rule may use.
var Transformers = []string{"null", "constant", "hash", "email", "name", "phone", "address", "ip", "mask", "noise", "regex", "passthrough"}

// keyed derives deterministic bytes from a value and the salt: an
// HMAC-SHA256 keyed by the salt, over a purpose and the value. Keyed
// HMAC states are pooled: building one costs more than the hash itself.
type keyed struct{ pool *sync.Pool }

func newKeyed(salt []byte) keyed {
	salt = bytes.Clone(salt)
	return keyed{pool: &sync.Pool{New: func() any { return hmac.New(sha256.New, salt) }}}
}

func (k keyed) sum(purpose, value string) [sha256.Size]byte {
	m := k.pool.Get().(hash.Hash)
	m.Reset()
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(value))
	var out [sha256.Size]byte
	m.Sum(out[:0])
	k.pool.Put(m)
	return out
}

// pick chooses from list by 8 bytes of a sum.
func pick(list []string, b []byte) string {
	return list[binary.BigEndian.Uint64(b)%uint64(len(list))]
}

func ptr(s string) *string { return &s }

type nullT struct{}

func (nullT) Transform(string) (*string, error) { return nil, nil }
func (nullT) Kind() string                      { return "any" }

type constantT struct{ value string }

func (c constantT) Transform(string) (*string, error) { return ptr(c.value), nil }
func (constantT) Kind() string                        { return "any" }

type passthroughT struct{}

func (passthroughT) Transform(v string) (*string, error) { return ptr(v), nil }
func (passthroughT) Kind() string                        { return "any" }

type hashT struct {
	keyed
	length int
}

func (h hashT) Transform(v string) (*string, error) {
	if h.isOwn(v) {
		return ptr(v), nil
	}
	sum := h.sum("hash", v)
	out := hex.EncodeToString(sum[:])
	if h.length > 0 && h.length < len(out) {
		out = out[:h.length]
	}
	return ptr(out), nil
}
func (hashT) Kind() string { return "text" }

// isOwn reports whether v has the shape of this transformer's output:
// lower-case hex of its length. Keeping such values makes the hash a
// fixed point, so a PR's run over a table already anonymised keeps joins.
func (h hashT) isOwn(v string) bool {
	n := h.length
	if n <= 0 || n > 2*sha256.Size {
		n = 2 * sha256.Size
	}
	if len(v) != n {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// NeedsSalt reports whether transformer name is keyed by the salt.
func NeedsSalt(name string) bool {
	return slices.Contains([]string{"hash", "email", "name", "phone", "address", "ip", "noise"}, name)
}

// New builds the transformer name with its options. salt keys the
// deterministic ones. It assumes raw data: the fakes in reserved ranges
// are kept when met again, but name and noise transform every value (a
// run over a clone of the golden trusts their marks: Options.FromGolden).
func New(name string, opts map[string]any, salt []byte) (Transformer, error) {
	return newTransformer(name, opts, salt, false)
}

// newTransformer is New; trustMarks says whether name and noise keep a
// value bearing their mark, which only a run over anonymised data may.
func newTransformer(name string, opts map[string]any, salt []byte, trustMarks bool) (Transformer, error) {
	o := options(opts)
	k := newKeyed(salt)
	var t Transformer
	switch name {
	case "null":
		t = nullT{}
	case "constant":
		v, ok := o.m["value"]
		if !ok {
			return nil, fmt.Errorf("constant needs options.value")
		}
		t = constantT{value: constantText(v)}
	case "passthrough":
		t = passthroughT{}
	case "hash":
		t = hashT{keyed: k, length: o.int("length", 0)}
	case "email":
		t = emailT{keyed: k, domain: o.str("domain", "")}
	case "name":
		t = nameT{keyed: k, trust: trustMarks}
	case "phone":
		t = phoneT{k}
	case "address":
		t = addressT{k}
	case "ip":
		t = ipT{k}
	case "mask":
		t = maskT{keepFirst: o.int("keep-first", 0), keepLast: o.int("keep-last", 0), keepDomain: o.bool("keep-domain"), char: o.str("char", "*")}
	case "noise":
		kind := o.str("type", "number")
		if kind != "number" && kind != "date" {
			return nil, fmt.Errorf("noise: options.type %q is not number or date", kind)
		}
		t = noiseT{keyed: k, spread: o.float("range", 10), date: kind == "date", trust: trustMarks}
	case "regex":
		re, err := regexp.Compile(o.str("pattern", ""))
		if err != nil || o.str("pattern", "") == "" {
			return nil, fmt.Errorf("regex needs a valid options.pattern (RE2 syntax)")
		}
		t = regexT{re: re, with: o.str("replace", "")}
	default:
		return nil, fmt.Errorf("unknown transformer %q: use one of %s", name, strings.Join(Transformers, ", "))
	}
	if o.err != nil {
		return nil, fmt.Errorf("%s: %w", name, o.err)
	}
	return t, nil
}

// constantText is a constant option's value as PostgreSQL text; numbers
// keep every digit rather than Go's exponent form.
func constantText(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
