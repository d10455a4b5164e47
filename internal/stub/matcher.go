package stub

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
)

// valueMatcher is one of WireMock's string value patterns that prenv
// serves: equalTo (optionally caseInsensitive), contains, matches, or
// equalToJson (optionally ignoreArrayOrder and ignoreExtraElements).
type valueMatcher struct {
	op              string // equalTo, contains, matches or equalToJson
	value           string // as the mapping gives it; JSON text for equalToJson
	caseInsensitive bool
	re              *regexp.Regexp // matches
	json            any            // equalToJson, decoded with numbers kept exact
	jsonOpts        jsonOptions
}

// matches reports whether actual satisfies the pattern. A value that is
// absent (present false) satisfies none of them, as in WireMock.
func (m *valueMatcher) matches(actual string, present bool) bool {
	if !present {
		return false
	}
	switch m.op {
	case "equalTo":
		if m.caseInsensitive {
			return strings.EqualFold(actual, m.value)
		}
		return actual == m.value
	case "contains":
		return strings.Contains(actual, m.value)
	case "matches":
		return m.re.MatchString(actual)
	case "equalToJson":
		got, err := decodeJSON([]byte(actual))
		return err == nil && jsonEqual(m.json, got, m.jsonOpts)
	}
	return false
}

// distance is how far actual is from the pattern, from 0 (a match) to 1,
// for naming the closest mapping of a request none matched: WireMock's
// normalised Levenshtein distance for equality, all or nothing otherwise.
func (m *valueMatcher) distance(actual string, present bool) float64 {
	switch {
	case m.matches(actual, present):
		return 0
	case !present:
		return 1
	case m.op == "equalTo" && m.caseInsensitive:
		return normalisedLevenshtein(strings.ToLower(m.value), strings.ToLower(actual))
	case m.op == "equalTo":
		return normalisedLevenshtein(m.value, actual)
	}
	return 1
}

// String describes the pattern as the not-matched report shows it.
func (m *valueMatcher) String() string {
	switch {
	case m.op == "equalTo" && m.caseInsensitive:
		return fmt.Sprintf("equalTo %q (case-insensitive)", m.value)
	case m.op == "equalToJson":
		return "equalToJson " + m.value
	}
	return fmt.Sprintf("%s %q", m.op, m.value)
}

// anchored compiles a WireMock regular expression, which must match the
// whole value (Java's Matcher.matches). Go's RE2 refuses Java's
// look-arounds, back-references and possessive quantifiers; a character
// class intersection (&&) compiles in both but means something else in
// RE2, so it is refused too.
func anchored(pattern string) (*regexp.Regexp, error) {
	if strings.Contains(pattern, "&&") {
		return nil, fmt.Errorf("%q uses &&, a Java character class intersection that Go's regular expressions read differently: rewrite the class without it", pattern)
	}
	re, err := regexp.Compile(`^(?:` + pattern + `)$`)
	if err != nil {
		return nil, fmt.Errorf("%q is not a regular expression prenv can run (Go's RE2 syntax: no look-arounds, back-references or possessive quantifiers): %v", pattern, unwrapRegexpError(err))
	}
	return re, nil
}

func unwrapRegexpError(err error) string {
	var se *syntax.Error
	if errors.As(err, &se) {
		return string(se.Code) + " " + se.Expr
	}
	return err.Error()
}

// normalisedLevenshtein is the edit distance of a and b divided by the
// longer one's length: 0 for equal strings, 1 for nothing in common.
func normalisedLevenshtein(a, b string) float64 {
	if a == b {
		return 0
	}
	ra, rb := []rune(a), []rune(b)
	longest := max(len(ra), len(rb))
	if len(ra)*len(rb) > 1<<20 {
		return 1 // too long to weigh cheaply: as far as can be
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return float64(prev[len(rb)]) / float64(longest)
}
