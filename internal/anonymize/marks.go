package anonymize

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The name and noise transformers mark their output, so that a run over a
// clone of an anonymised golden recognises a value it already wrote and
// keeps it: their outputs are fixed points, like the fakes in reserved
// ranges. A mark is trusted only where every value is known to come from
// the golden or the PR's migrations (Options.FromGolden); a run over raw
// data transforms every value, as a raw value could bear a mark by chance.

// nameMark separates a fake name's first and last name: a NO-BREAK SPACE,
// which looks like a space and which no form-typed name carries.
const nameMark = "\u00a0"

// isFakeName reports whether v is one of the name transformer's outputs.
func isFakeName(v string) bool {
	first, last, ok := strings.Cut(v, nameMark)
	return ok && slices.Contains(firstNames, first) && slices.Contains(lastNames, last)
}

// noiseMarkEvery: one value in this many, by a keyed hash, bears the noise
// mark. The noise transformer moves its output to the nearest such value
// within its range. A mark met by chance is harmless where marks are
// trusted (every value there is anonymised already or written by a
// migration); a dense mark keeps outputs spread over their range.
const noiseMarkEvery = 2

// noiseMarked reports whether the canonical form of a noised value (whole
// cents for a number, Unix seconds for a date) bears the mark.
func (n noiseT) noiseMarked(canonical int64) bool {
	sum := n.sum("noise-mark", strconv.FormatInt(canonical, 10))
	return sum[0]%noiseMarkEvery == 0
}

// nearestMarked returns the marked value nearest base in steps of step
// (all in canonical units) within spread of orig, or base when none is
// (a range of a few steps may hold none: that output is not a fixed point).
func (n noiseT) nearestMarked(base, step, orig int64, spread float64) int64 {
	for k := int64(0); float64(k*step) <= 2*spread; k++ {
		for _, c := range []int64{base + k*step, base - k*step} {
			if n.noiseMarked(c) && math.Abs(float64(c-orig)) <= spread {
				return c
			}
		}
	}
	return base
}

// cents is a number's canonical form for the noise mark.
func cents(f float64) int64 { return int64(math.Round(f * 100)) }

// markedNumber reports whether v, a number, is a noise output.
func (n noiseT) markedNumber(f float64) bool { return n.noiseMarked(cents(f)) }

// markedTime reports whether t is a noise output.
func (n noiseT) markedTime(t time.Time) bool { return n.noiseMarked(t.Unix()) }
