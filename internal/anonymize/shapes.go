package anonymize

import (
	"encoding/binary"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Transformers that keep a value's shape: masks, noise and regex replacement.

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
	trust  bool // keep values bearing the noise mark (see marks.go)
}

// Transform moves v by up to ± spread, to the nearest value bearing the
// noise mark, and keeps a value already marked when marks are trusted.
func (n noiseT) Transform(v string) (*string, error) {
	sum := n.sum("noise", v)
	u := float64(binary.BigEndian.Uint64(sum[:8])) / math.MaxUint64 // [0, 1]
	delta := (u*2 - 1) * n.spread
	if n.date {
		return n.noiseDate(v, delta)
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return nil, fmt.Errorf("noise: the value is not a number")
	}
	if n.trust && n.markedNumber(f) {
		return ptr(v), nil
	}
	if !strings.ContainsAny(v, ".eE") {
		out := n.nearestMarked(cents(math.Round(f+delta)), 100, cents(f), n.spread*100)
		return ptr(strconv.FormatInt(out/100, 10)), nil
	}
	out := n.nearestMarked(cents(f+delta), 1, cents(f), n.spread*100)
	return ptr(strconv.FormatFloat(float64(out)/100, 'f', 2, 64)), nil
}

// noiseDate moves a date or timestamp by delta days, to a marked second
// (a marked day for a date).
func (n noiseT) noiseDate(v string, delta float64) (*string, error) {
	if v == "infinity" || v == "-infinity" {
		return ptr(v), nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999-07", "2006-01-02 15:04:05.999999-07:00", "2006-01-02 15:04:05.999999", "2006-01-02"} {
		t, err := time.Parse(layout, v)
		if err != nil {
			continue
		}
		if n.trust && n.markedTime(t) {
			return ptr(v), nil
		}
		step := int64(1)
		if layout == "2006-01-02" {
			step = 86400
		}
		moved := t.Add(time.Duration(delta * 24 * float64(time.Hour)))
		base := moved.Unix() / step * step
		out := n.nearestMarked(base, step, t.Unix(), n.spread*86400)
		return ptr(moved.Add(time.Duration(out-moved.Unix()) * time.Second).Format(layout)), nil
	}
	return nil, fmt.Errorf("noise: the value is not a date")
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
