package anonymize

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

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

type nameT struct {
	keyed
	trust bool // keep values bearing the name mark (see marks.go)
}

func (n nameT) Transform(v string) (*string, error) {
	if n.trust && isFakeName(v) {
		return ptr(v), nil
	}
	sum := n.sum("name", v)
	return ptr(pick(firstNames, sum[:8]) + nameMark + pick(lastNames, sum[8:16])), nil
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
