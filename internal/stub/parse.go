package stub

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Fields of WireMock's mapping format that prenv refuses, with what to do
// instead. A field in neither this list nor the parser's is unknown.
var refused = map[string]string{
	// mapping
	"scenarioName":          "scenarios are stateful and prenv serves each mapping the same way every time: remove it, or tell the states apart by request",
	"requiredScenarioState": "scenarios are stateful and prenv serves each mapping the same way every time: remove it, or tell the states apart by request",
	"newScenarioState":      "scenarios are stateful and prenv serves each mapping the same way every time: remove it, or tell the states apart by request",
	"postServeActions":      "webhooks are not served by prenv's stubs: remove it",
	"serveEventListeners":   "serve-event listeners are not served by prenv's stubs: remove it",
	// request
	"urlPathTemplate":      "path templates are not served by prenv: use urlPathPattern",
	"pathParameters":       "path templates are not served by prenv: use urlPathPattern",
	"cookies":              "cookie matchers are not served by prenv: match headers.Cookie with contains or matches",
	"basicAuthCredentials": "basic auth matchers are not served by prenv: match headers.Authorization with equalTo \"Basic <base64 of user:password>\"",
	"basicAuth":            "basic auth matchers are not served by prenv: match headers.Authorization with equalTo \"Basic <base64 of user:password>\"",
	"formParameters":       "form parameter matchers are not served by prenv: match the body with contains or matches",
	"multipartPatterns":    "multipart matchers are not served by prenv: match the body with contains or matches",
	"host":                 "host matchers are not served by prenv: match headers.Host",
	"port":                 "port matchers are not served by prenv: a stub serves one port",
	"scheme":               "scheme matchers are not served by prenv: a stub serves plain HTTP",
	"clientIp":             "client IP matchers are not served by prenv: remove it",
	"customMatcher":        "custom matchers are WireMock extensions prenv cannot run: remove it",
	// response
	"statusMessage":                 "prenv answers with the standard reason phrase: remove it",
	"proxyBaseUrl":                  "a stub does not proxy: record the upstream with prenv stub record instead",
	"additionalProxyRequestHeaders": "a stub does not proxy: record the upstream with prenv stub record instead",
	"removeProxyRequestHeaders":     "a stub does not proxy: record the upstream with prenv stub record instead",
	"proxyUrlPrefixToRemove":        "a stub does not proxy: record the upstream with prenv stub record instead",
	"transformers":                  "response templating and transformers are not served by prenv: give the response literally",
	"transformerParameters":         "response templating and transformers are not served by prenv: give the response literally",
	"fault":                         "faults are not served by prenv: answer with a status instead",
	"delayDistribution":             "random delays are not served by prenv: use fixedDelayMilliseconds",
	"chunkedDribbleDelay":           "dribbled responses are not served by prenv: use fixedDelayMilliseconds",
}

// matcherOps are the string value patterns prenv serves; WireMock's others
// (absent, doesNotMatch, equalToXml, matchesJsonPath, ...) are refused.
var matcherOps = []string{"equalTo", "contains", "matches", "equalToJson"}

// parser turns one mapping file into mappings, recording every field it
// refuses.
type parser struct {
	file string // as errors name it: under the directory Load was given
	rel  string // as mappings name it: relative to that directory
	errs []error
}

func (p *parser) fail(field, format string, args ...any) {
	p.errs = append(p.errs, &MappingError{File: p.file, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// object decodes raw as a JSON object whose keys are among allowed, and
// refuses the rest by name.
func (p *parser) object(field string, raw json.RawMessage, allowed ...string) (map[string]json.RawMessage, bool) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		p.fail(field, "must be a JSON object")
		return nil, false
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if slices.Contains(allowed, k) {
			continue
		}
		if why, ok := refused[k]; ok {
			p.fail(join(field, k), "%s", why)
		} else {
			p.fail(join(field, k), "is not a field prenv knows here; allowed: %s", strings.Join(allowed, ", "))
		}
	}
	return m, true
}

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// file parses a mapping file: one mapping, or {"mappings": [...]}.
func (p *parser) parseFile(data []byte) []*Mapping {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		p.fail("", "is not a JSON object (%v): a mapping file holds one mapping or {\"mappings\": [...]}", err)
		return nil
	}
	raw, multi := probe["mappings"]
	if !multi {
		if m := p.mapping("", data); m != nil {
			return []*Mapping{m}
		}
		return nil
	}
	if len(probe) > 1 {
		p.object("", data, "mappings", "meta")
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		p.fail("mappings", "must be a list of mappings")
		return nil
	}
	var out []*Mapping
	for i, item := range list {
		if m := p.mapping(fmt.Sprintf("mappings[%d]", i), item); m != nil {
			m.Index, m.multi = i, true
			out = append(out, m)
		}
	}
	return out
}

func (p *parser) mapping(at string, raw json.RawMessage) *Mapping {
	fields, ok := p.object(at, raw, "request", "response", "priority", "id", "uuid", "name", "persistent", "metadata", "insertionIndex")
	if !ok {
		return nil
	}
	before := len(p.errs)
	m := &Mapping{File: p.rel, Priority: DefaultPriority}
	if v, ok := fields["name"]; ok {
		p.str(join(at, "name"), v, &m.Name)
	}
	if v, ok := fields["priority"]; ok {
		if err := json.Unmarshal(v, &m.Priority); err != nil || m.Priority < 1 {
			p.fail(join(at, "priority"), "must be a whole number from 1 (highest) up")
		}
	}
	if v, ok := fields["request"]; ok {
		p.request(join(at, "request"), v, &m.request)
	} else {
		p.fail(join(at, "request"), "is required: the request the mapping answers")
	}
	if v, ok := fields["response"]; ok {
		p.response(join(at, "response"), v, &m.response)
	} else {
		m.response = response{status: http.StatusOK, header: http.Header{}}
	}
	if len(p.errs) > before {
		return nil
	}
	return m
}

func (p *parser) str(field string, raw json.RawMessage, dst *string) bool {
	if err := json.Unmarshal(raw, dst); err != nil {
		p.fail(field, "must be a string")
		return false
	}
	return true
}

var urlKinds = []string{"url", "urlPath", "urlPathPattern", "urlPattern"}

// methodPattern is an HTTP method token, or WireMock's ANY and GET_OR_HEAD.
var methodPattern = regexp.MustCompile(`^[A-Z][A-Z_]*$`)

func (p *parser) request(at string, raw json.RawMessage, rp *requestPattern) {
	fields, ok := p.object(at, raw, append(urlKinds, "method", "queryParameters", "headers", "bodyPatterns")...)
	if !ok {
		return
	}
	if v, ok := fields["method"]; ok && p.str(join(at, "method"), v, &rp.method) && !methodPattern.MatchString(rp.method) {
		p.fail(join(at, "method"), "%q is not an HTTP method; use one such as GET or POST, ANY or GET_OR_HEAD", rp.method)
	}
	for _, kind := range urlKinds {
		v, ok := fields[kind]
		if !ok {
			continue
		}
		if rp.url.kind != "" {
			p.fail(join(at, kind), "a request has one URL matcher, and this one has %s too: keep one", rp.url.kind)
			continue
		}
		rp.url.kind = kind
		if !p.str(join(at, kind), v, &rp.url.value) {
			continue
		}
		if kind == "urlPattern" || kind == "urlPathPattern" {
			var err error
			if rp.url.re, err = anchored(rp.url.value); err != nil {
				p.fail(join(at, kind), "%v", err)
			}
		}
	}
	rp.query = p.named(join(at, "queryParameters"), fields["queryParameters"])
	rp.headers = p.named(join(at, "headers"), fields["headers"])
	for i := range rp.headers {
		rp.headers[i].name = http.CanonicalHeaderKey(rp.headers[i].name)
	}
	if v, ok := fields["bodyPatterns"]; ok {
		var list []json.RawMessage
		if err := json.Unmarshal(v, &list); err != nil {
			p.fail(join(at, "bodyPatterns"), "must be a list of matchers")
			return
		}
		for i, item := range list {
			if m, ok := p.matcher(fmt.Sprintf("%s.bodyPatterns[%d]", at, i), item); ok {
				rp.body = append(rp.body, m)
			}
		}
	}
}

// named parses queryParameters or headers: a name to one matcher each.
func (p *parser) named(at string, raw json.RawMessage) []namedMatcher {
	if raw == nil {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		p.fail(at, "must be an object of names to matchers")
		return nil
	}
	var out []namedMatcher
	for _, name := range slices.Sorted(maps.Keys(m)) {
		if vm, ok := p.matcher(join(at, name), m[name]); ok {
			out = append(out, namedMatcher{name: name, valueMatcher: vm})
		}
	}
	return out
}

// matcher parses one string value pattern.
func (p *parser) matcher(at string, raw json.RawMessage) (valueMatcher, bool) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		p.fail(at, "must be a matcher object such as {\"equalTo\": \"...\"}")
		return valueMatcher{}, false
	}
	var vm valueMatcher
	var ops []string
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		switch {
		case slices.Contains(matcherOps, k):
			ops = append(ops, k)
		case k == "caseInsensitive" || k == "ignoreArrayOrder" || k == "ignoreExtraElements":
		default:
			p.fail(join(at, k), "prenv serves only the matchers equalTo (caseInsensitive), contains, matches and equalToJson (ignoreArrayOrder, ignoreExtraElements): rewrite it with one of them")
			return vm, false
		}
	}
	if len(ops) != 1 {
		p.fail(at, "needs exactly one of equalTo, contains, matches or equalToJson, found %d", len(ops))
		return vm, false
	}
	vm.op = ops[0]
	at = join(at, vm.op)
	for k, allowedWith := range map[string]string{"caseInsensitive": "equalTo", "ignoreArrayOrder": "equalToJson", "ignoreExtraElements": "equalToJson"} {
		v, ok := fields[k]
		if !ok {
			continue
		}
		var b bool
		if err := json.Unmarshal(v, &b); err != nil {
			p.fail(strings.TrimSuffix(at, "."+vm.op)+"."+k, "must be true or false")
			return vm, false
		}
		if vm.op != allowedWith {
			p.fail(strings.TrimSuffix(at, "."+vm.op)+"."+k, "applies to %s only, not %s", allowedWith, vm.op)
			return vm, false
		}
		switch k {
		case "caseInsensitive":
			vm.caseInsensitive = b
		case "ignoreArrayOrder":
			vm.jsonOpts.ignoreArrayOrder = b
		case "ignoreExtraElements":
			vm.jsonOpts.ignoreExtraElements = b
		}
	}
	v := fields[vm.op]
	if vm.op == "equalToJson" {
		return vm, p.expectedJSON(at, v, &vm)
	}
	if !p.str(at, v, &vm.value) {
		return vm, false
	}
	if vm.op == "matches" {
		var err error
		if vm.re, err = anchored(vm.value); err != nil {
			p.fail(at, "%v", err)
			return vm, false
		}
	}
	return vm, true
}

// expectedJSON reads equalToJson's document: a JSON value, or a string
// holding one.
func (p *parser) expectedJSON(at string, raw json.RawMessage, vm *valueMatcher) bool {
	doc := []byte(raw)
	var s string
	if json.Unmarshal(raw, &s) == nil {
		doc = []byte(s)
	}
	v, err := decodeJSON(doc)
	if err != nil {
		p.fail(at, "is not a JSON document (%v)", err)
		return false
	}
	if vm.json, err = compilePlaceholders(v); err != nil {
		p.fail(at, "%v", err)
		return false
	}
	var compact bytes.Buffer
	_ = json.Compact(&compact, doc)
	vm.value = compact.String()
	return true
}

var bodyKinds = []string{"body", "jsonBody", "base64Body", "bodyFileName"}

func (p *parser) response(at string, raw json.RawMessage, r *response) {
	fields, ok := p.object(at, raw, append(bodyKinds, "status", "headers", "fixedDelayMilliseconds")...)
	if !ok {
		return
	}
	r.status, r.header = http.StatusOK, http.Header{}
	if v, ok := fields["status"]; ok {
		if err := json.Unmarshal(v, &r.status); err != nil || r.status < 100 || r.status > 599 {
			p.fail(join(at, "status"), "must be an HTTP status from 100 to 599")
		}
	}
	if v, ok := fields["headers"]; ok {
		p.headers(join(at, "headers"), v, r.header)
	}
	if v, ok := fields["fixedDelayMilliseconds"]; ok {
		var ms int
		if err := json.Unmarshal(v, &ms); err != nil || ms < 0 {
			p.fail(join(at, "fixedDelayMilliseconds"), "must be a whole number of milliseconds, 0 or more")
		}
		r.delay = time.Duration(ms) * time.Millisecond
	}
	var kinds []string
	for _, k := range bodyKinds {
		if _, ok := fields[k]; ok {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) > 1 {
		p.fail(join(at, kinds[1]), "a response has one body, and this one has %s too: keep one", kinds[0])
		return
	}
	if len(kinds) == 1 {
		p.body(join(at, kinds[0]), kinds[0], fields[kinds[0]], r)
	}
}

// headers reads response headers: a name to a string or a list of them.
func (p *parser) headers(at string, raw json.RawMessage, h http.Header) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		p.fail(at, "must be an object of header names to values")
		return
	}
	for _, name := range slices.Sorted(maps.Keys(m)) {
		var one string
		var many []string
		switch {
		case json.Unmarshal(m[name], &one) == nil:
			h.Add(name, one)
		case json.Unmarshal(m[name], &many) == nil:
			for _, v := range many {
				h.Add(name, v)
			}
		default:
			p.fail(join(at, name), "must be a string or a list of strings")
		}
	}
}

// body reads the response body; a bodyFileName is kept to be read from
// the files directory by the loader.
func (p *parser) body(at, kind string, raw json.RawMessage, r *response) {
	switch kind {
	case "body":
		var s string
		if p.str(at, raw, &s) {
			r.body = []byte(s)
		}
	case "jsonBody":
		var compact bytes.Buffer
		if err := json.Compact(&compact, raw); err != nil {
			p.fail(at, "is not JSON (%v)", err)
		}
		r.body = compact.Bytes()
	case "base64Body":
		var s string
		if !p.str(at, raw, &s) {
			return
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			p.fail(at, "is not base64 (%v)", err)
		}
		r.body = b
	case "bodyFileName":
		var s string
		if p.str(at, raw, &s) {
			r.bodyFile, r.bodyFileField = s, at
		}
	}
}
