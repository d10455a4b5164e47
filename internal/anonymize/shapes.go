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
}

func (n noiseT) Transform(v string) (*string, error) {
	sum := n.sum("noise", v)
	u := float64(binary.BigEndian.Uint64(sum[:8])) / math.MaxUint64 // [0, 1]
	delta := (u*2 - 1) * n.spread
	if n.date {
		if v == "infinity" || v == "-infinity" {
			return ptr(v), nil
		}
		for _, layout := range []string{"2006-01-02 15:04:05.999999-07", "2006-01-02 15:04:05.999999-07:00", "2006-01-02 15:04:05.999999", "2006-01-02"} {
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
