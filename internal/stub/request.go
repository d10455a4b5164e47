package stub

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// maxBody bounds the request body a stub reads to match it.
const maxBody = 16 << 20

// incoming is a request as the matchers see it, read once.
type incoming struct {
	method string
	url    string // path and query, as sent
	path   string
	query  url.Values
	header http.Header
	host   string // Go moves Host out of the headers; WireMock matches it as one
	body   string

	jsonDone bool
	json     any // the body decoded as JSON, nil when it is not JSON
	jsonOK   bool
}

func readIncoming(r *http.Request) (*incoming, error) {
	in := &incoming{method: r.Method, path: r.URL.EscapedPath(), header: r.Header}
	in.url = in.path
	if r.URL.RawQuery != "" || r.URL.ForceQuery {
		in.url += "?" + r.URL.RawQuery
	}
	in.query, _ = url.ParseQuery(r.URL.RawQuery) // a malformed pair is left out, the rest kept
	in.host = r.Host
	if r.Body != nil {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			return nil, err
		}
		in.body = string(body)
	}
	return in, nil
}

// headerValues are the values of the header name (canonical).
func (in *incoming) headerValues(name string) []string {
	if name == "Host" {
		return []string{in.host}
	}
	return in.header.Values(name)
}

// bodyJSON is the body decoded as JSON, decoded once for every pattern.
func (in *incoming) bodyJSON() (any, bool) {
	if !in.jsonDone {
		in.jsonDone = true
		v, err := decodeJSON([]byte(in.body))
		in.json, in.jsonOK = v, err == nil
	}
	return in.json, in.jsonOK
}

// urlMatcher is a mapping's one URL matcher, or none (any URL).
type urlMatcher struct {
	kind  string // url, urlPath, urlPathPattern, urlPattern; "" for any URL
	value string
	re    *regexp.Regexp
}

func (u urlMatcher) matches(in *incoming) bool {
	switch u.kind {
	case "url":
		return in.url == u.value
	case "urlPath":
		return in.path == u.value
	case "urlPattern":
		return u.re.MatchString(in.url)
	case "urlPathPattern":
		return u.re.MatchString(in.path)
	}
	return true
}

func (u urlMatcher) actual(in *incoming) string {
	if u.kind == "urlPath" || u.kind == "urlPathPattern" {
		return in.path
	}
	return in.url
}

func (u urlMatcher) distance(in *incoming) float64 {
	switch {
	case u.matches(in):
		return 0
	case u.kind == "url" || u.kind == "urlPath":
		return normalisedLevenshtein(u.value, u.actual(in))
	}
	return 1
}

// namedMatcher is a pattern on one query parameter or header.
type namedMatcher struct {
	name string
	valueMatcher
}

// matchesAny reports whether any of values satisfies the pattern, as
// WireMock's single-value pattern on a multi-valued parameter does.
func (m *namedMatcher) matchesAny(values []string) bool {
	for _, v := range values {
		if m.matches(v, true) {
			return true
		}
	}
	return false
}

func (m *namedMatcher) distanceAny(values []string) float64 {
	if len(values) == 0 {
		return 1
	}
	best := 1.0
	for _, v := range values {
		best = min(best, m.distance(v, true))
	}
	return best
}

// requestPattern is a mapping's request.
type requestPattern struct {
	method  string // "" or ANY for any method; GET_OR_HEAD
	url     urlMatcher
	query   []namedMatcher
	headers []namedMatcher
	body    []valueMatcher
}

func (p *requestPattern) methodMatches(method string) bool {
	switch p.method {
	case "", "ANY":
		return true
	case "GET_OR_HEAD":
		return method == http.MethodGet || method == http.MethodHead
	}
	return p.method == method
}

// matches reports whether in satisfies every part of the pattern.
func (p *requestPattern) matches(in *incoming) bool {
	if !p.methodMatches(in.method) || !p.url.matches(in) {
		return false
	}
	for i := range p.query {
		if !p.query[i].matchesAny(in.query[p.query[i].name]) {
			return false
		}
	}
	for i := range p.headers {
		if !p.headers[i].matchesAny(in.headerValues(p.headers[i].name)) {
			return false
		}
	}
	for i := range p.body {
		if !bodyMatches(&p.body[i], in) {
			return false
		}
	}
	return true
}

func bodyMatches(m *valueMatcher, in *incoming) bool {
	if m.op == "equalToJson" {
		got, ok := in.bodyJSON()
		return ok && jsonEqual(m.json, got, m.jsonOpts)
	}
	return m.matches(in.body, true)
}

// distance weighs the parts as WireMock does (URL 10, method 3, each
// group of headers, query parameters and body patterns 1), each group the
// mean of its patterns, to find the closest mapping to a request.
func (p *requestPattern) distance(in *incoming) float64 {
	total, weight := 0.0, 0.0
	add := func(d, w float64) { total, weight = total+d*w, weight+w }
	add(p.url.distance(in), 10)
	if p.methodMatches(in.method) {
		add(0, 3)
	} else {
		add(1, 3)
	}
	if len(p.query) > 0 {
		sum := 0.0
		for i := range p.query {
			sum += p.query[i].distanceAny(in.query[p.query[i].name])
		}
		add(sum/float64(len(p.query)), 1)
	}
	if len(p.headers) > 0 {
		sum := 0.0
		for i := range p.headers {
			sum += p.headers[i].distanceAny(in.headerValues(p.headers[i].name))
		}
		add(sum/float64(len(p.headers)), 1)
	}
	if len(p.body) > 0 {
		sum := 0.0
		for i := range p.body {
			if !bodyMatches(&p.body[i], in) {
				sum += p.body[i].distance(in.body, true)
			}
		}
		add(sum/float64(len(p.body)), 1)
	}
	return total / weight
}

// methodName is the method as the not-matched report shows it.
func (p *requestPattern) methodName() string {
	if p.method == "" {
		return "ANY"
	}
	return strings.ToUpper(p.method)
}
