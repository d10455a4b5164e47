package anonymize

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
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
	sum := h.sum("hash", v)
	out := hex.EncodeToString(sum[:])
	if h.length > 0 && h.length < len(out) {
		out = out[:h.length]
	}
	return ptr(out), nil
}
func (hashT) Kind() string { return "text" }

type emailT struct {
	keyed
	domain string // fixed domain; "" keeps example.com
}

// Fakes in reserved, fictional spaces are fixed points: anonymising an
// already anonymised value keeps it, so a PR migration that copies an
// anonymised column into a new one still joins with it.
var (
	fakeEmail   = regexp.MustCompile(`^[a-z]+\.[0-9a-f]{10}@`)
	fakePhone   = regexp.MustCompile(`^\+1-555-01\d{2}-\d{4}$`)
	fakeIP      = regexp.MustCompile(`^198\.1[89]\.\d{1,3}\.\d{1,3}$`)
	fakeAddress = regexp.MustCompile(`^\d{1,4} (` + strings.Join(streets, "|") + `) (` + strings.Join(cities, "|") + `)$`)
)

func (e emailT) Transform(v string) (*string, error) {
	if strings.HasSuffix(v, "@"+e.domainOrDefault()) && fakeEmail.MatchString(v) {
		return ptr(v), nil
	}
	sum := e.sum("email", strings.ToLower(v))
	first := strings.ToLower(pick(firstNames, sum[:8]))
	return ptr(first + "." + hex.EncodeToString(sum[8:13])[:10] + "@" + e.domainOrDefault()), nil
}

func (e emailT) domainOrDefault() string {
	if e.domain == "" {
		return "example.com"
	}
	return e.domain
}
func (emailT) Kind() string { return "text" }

type nameT struct{ keyed }

func (n nameT) Transform(v string) (*string, error) {
	sum := n.sum("name", v)
	return ptr(pick(firstNames, sum[:8]) + " " + pick(lastNames, sum[8:16])), nil
}
func (nameT) Kind() string { return "text" }

type phoneT struct{ keyed }

func (p phoneT) Transform(v string) (*string, error) {
	if strings.HasPrefix(v, "+1-555-01") && fakePhone.MatchString(v) {
		return ptr(v), nil
	}
	sum := p.sum("phone", v)
	n := binary.BigEndian.Uint64(sum[:8]) % 10000
	// 555-01xx numbers are reserved for fiction.
	return ptr("+1-555-01" + pad(n%100, 2) + "-" + pad(n, 4)), nil
}
func (phoneT) Kind() string { return "text" }

type addressT struct{ keyed }

func (a addressT) Transform(v string) (*string, error) {
	if endsWithAny(v, cities) && fakeAddress.MatchString(v) {
		return ptr(v), nil
	}
	sum := a.sum("address", v)
	n := binary.BigEndian.Uint64(sum[:8])
	return ptr(strconv.FormatUint(1+n%9999, 10) + " " + pick(streets, sum[8:16]) + " " + pick(cities, sum[16:24])), nil
}
func (addressT) Kind() string { return "text" }

type ipT struct{ keyed }

func (i ipT) Transform(v string) (*string, error) {
	if strings.HasPrefix(v, "198.1") && fakeIP.MatchString(v) {
		return ptr(v), nil
	}
	s := i.sum("ip", v)
	// 198.18.0.0/15 is reserved for benchmarking, never a real host.
	return ptr(fmt.Sprintf("198.%d.%d.%d", 18+s[0]%2, s[1], s[2])), nil
}
func (ipT) Kind() string { return "inet" }

type maskT struct {
	keepFirst, keepLast int
	keepDomain          bool
	char                string
}

func (m maskT) Transform(v string) (*string, error) {
	if m.keepDomain {
		if at := strings.LastIndex(v, "@"); at >= 0 {
			return ptr(strings.Repeat(m.char, 6) + v[at:]), nil
		}
	}
	r := []rune(v)
	if m.keepFirst+m.keepLast >= len(r) {
		return ptr(strings.Repeat(m.char, len(r))), nil
	}
	return ptr(string(r[:m.keepFirst]) + strings.Repeat(m.char, len(r)-m.keepFirst-m.keepLast) + string(r[len(r)-m.keepLast:])), nil
}
func (maskT) Kind() string { return "text" }

type noiseT struct {
	keyed
	spread float64 // numbers: ± this much; dates: ± this many days
	date   bool
}

func (n noiseT) Transform(v string) (*string, error) {
	sum := n.sum("noise", v)
	u := float64(binary.BigEndian.Uint64(sum[:8])) / math.MaxUint64 // [0, 1]
	delta := (u*2 - 1) * n.spread
	if n.date {
		for _, layout := range []string{"2006-01-02 15:04:05.999999-07", "2006-01-02 15:04:05.999999", "2006-01-02"} {
			if t, err := time.Parse(layout, v); err == nil {
				return ptr(t.Add(time.Duration(delta * 24 * float64(time.Hour))).Format(layout)), nil
			}
		}
		return nil, fmt.Errorf("noise: the value is not a date")
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return nil, fmt.Errorf("noise: the value is not a number")
	}
	out := f + delta
	if !strings.ContainsAny(v, ".eE") {
		return ptr(strconv.FormatInt(int64(math.Round(out)), 10)), nil
	}
	return ptr(strconv.FormatFloat(out, 'f', 2, 64)), nil
}
func (n noiseT) Kind() string {
	if n.date {
		return "date"
	}
	return "number"
}

type regexT struct {
	re   *regexp.Regexp
	with string
}

func (r regexT) Transform(v string) (*string, error) {
	return ptr(r.re.ReplaceAllString(v, r.with)), nil
}
func (regexT) Kind() string { return "text" }

// NeedsSalt reports whether transformer name is keyed by the salt.
func NeedsSalt(name string) bool {
	return slices.Contains([]string{"hash", "email", "name", "phone", "address", "ip", "noise"}, name)
}

// New builds the transformer name with its options. salt keys the
// deterministic ones.
func New(name string, opts map[string]any, salt []byte) (Transformer, error) {
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
		t = constantT{value: fmt.Sprint(v)}
	case "passthrough":
		t = passthroughT{}
	case "hash":
		t = hashT{keyed: k, length: o.int("length", 0)}
	case "email":
		t = emailT{keyed: k, domain: o.str("domain", "")}
	case "name":
		t = nameT{k}
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
		t = noiseT{keyed: k, spread: o.float("range", 10), date: kind == "date"}
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
	default:
		o.fail(k, "a whole number")
		return def
	}
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

func endsWithAny(v string, suffixes []string) bool {
	for _, s := range suffixes {
		if strings.HasSuffix(v, s) {
			return true
		}
	}
	return false
}

// pad formats n with at least width digits.
func pad(n uint64, width int) string {
	s := strconv.FormatUint(n, 10)
	for len(s) < width {
		s = "0" + s
	}
	return s
}
