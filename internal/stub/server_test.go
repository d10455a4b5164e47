package stub_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/internal/stub"
)

// call is one request to a stub and what it must answer.
type call struct {
	method, url string
	header      map[string]string
	body        string

	wantStatus int
	wantBody   string              // exact, unless wantIn is set
	wantIn     []string            // substrings of the body instead
	wantHeader map[string][]string // values of these headers, exactly
	wantDelay  time.Duration       // at least
}

// TestServesWireMockDocumentation serves the mappings of WireMock's
// documented examples (testdata/wiremock-docs, see its README) and checks
// each response.
func TestServesWireMockDocumentation(t *testing.T) {
	t.Parallel()
	h := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	cases := []struct {
		dir   string
		calls []call
	}{
		{"stubbing", []call{
			{method: "GET", url: "/some/thing", wantStatus: 200, wantBody: "Hello, world!", wantHeader: map[string][]string{"Content-Type": {"text/plain"}}},
			{method: "GET", url: "/some/thing/else", wantStatus: 404, wantIn: []string{"Request was not matched", "Closest stub: ", "basic.json", "/some/thing [url]", "URL does not match"}},
			{method: "POST", url: "/some/thing", wantStatus: 404, wantIn: []string{"basic.json", "HTTP method does not match"}},
			{method: "GET", url: "/api/specific-resource", wantStatus: 200, wantBody: "Resource state"},
			{method: "GET", url: "/api/anything-else", wantStatus: 401, wantBody: ""},
			{method: "GET", url: "/whatever", wantStatus: 200, wantHeader: map[string][]string{
				"Set-Cookie": {"session_id=91837492837", "split_test_group=B"}, "Cache-Control": {"no-cache"}, "Content-Type": {"text/plain"}}},
			{method: "GET", url: "/body", wantStatus: 200, wantBody: "Literal text to put in the body", wantHeader: map[string][]string{"Content-Type": nil}},
			{method: "GET", url: "/json-body", wantStatus: 200, wantBody: `{"arbitrary_json":[1,2,3]}`},
			{method: "GET", url: "/body-file", wantStatus: 200, wantBody: "<response>from a body file</response>\n"},
			{method: "GET", url: "/binary-body", wantStatus: 200, wantBody: "YES INDEED!"},
			{method: "DELETE", url: "/edit-me", wantStatus: 200, wantBody: ""},
			{method: "PATCH", url: "/edit-me?with=query", wantStatus: 200, wantBody: ""},
		}},
		{"unmapped-default", []call{
			{method: "GET", url: "/some/thing", wantStatus: 200, wantBody: "Hello, world!"},
			{method: "PUT", url: "/no/such/thing", wantStatus: 404, wantBody: `{"status":"Error","message":"Endpoint not found"}`,
				wantHeader: map[string][]string{"Content-Type": {"application/json"}}},
		}},
		{"url-equality", []call{
			{method: "GET", url: "/your/url?and=query", wantStatus: 200, wantBody: "url"},
			{method: "GET", url: "/your/url?and=other", wantStatus: 404, wantIn: []string{"URL does not match"}},
			{method: "GET", url: "/your/url", wantStatus: 404},
		}},
		{"url-regex", []call{
			{method: "GET", url: "/your/abc?and=query", wantStatus: 200, wantBody: "urlPattern"},
			{method: "GET", url: "/your/ABC?and=query", wantStatus: 404},
			{method: "GET", url: "/your/abc?and=query&more", wantStatus: 404},
		}},
		{"url-path-equality", []call{
			{method: "GET", url: "/your/url", wantStatus: 200, wantBody: "urlPath"},
			{method: "GET", url: "/your/url?any=query", wantStatus: 200, wantBody: "urlPath"},
			{method: "GET", url: "/your/url/more", wantStatus: 404},
		}},
		{"url-path-regex", []call{
			{method: "GET", url: "/your/abc?x=1", wantStatus: 200, wantBody: "urlPathPattern"},
			{method: "GET", url: "/your/abc1", wantStatus: 404},
		}},
		{"equality", []call{
			{method: "POST", url: "/everything", header: h("Content-Type", "application/json"), wantStatus: 200},
			{method: "POST", url: "/everything", header: h("Content-Type", "application/JSON"), wantStatus: 404, wantIn: []string{"Header does not match"}},
			{method: "GET", url: "/everything", wantStatus: 404},
		}},
		{"case-insensitive", []call{
			{method: "POST", url: "/everything", header: h("Content-Type", "APPLICATION/JSON"), wantStatus: 200},
			{method: "POST", url: "/everything", header: h("Content-Type", "text/json"), wantStatus: 404},
		}},
		{"contains", []call{
			{method: "GET", url: "/everything?search_term=WireMock", header: h("Accept", "text/xml"), wantStatus: 200},
			{method: "GET", url: "/everything?search_term=WireMock", header: h("Accept", "text/html"), wantStatus: 404, wantIn: []string{"Header does not match"}},
			{method: "GET", url: "/everything?search_term=wiremock", header: h("Accept", "application/xml"), wantStatus: 404, wantIn: []string{"Query does not match"}},
		}},
		{"regex", []call{
			{method: "GET", url: "/everything?search_term=superwiremockFTW", wantStatus: 200},
			{method: "GET", url: "/everything?search_term=one&search_term=wiremockTwo", wantStatus: 200},
			{method: "GET", url: "/everything?search_term=wiremock", wantStatus: 404},
			{method: "GET", url: "/everything", wantStatus: 404},
		}},
		{"json-equality", []call{
			{method: "POST", url: "/everything", body: `{"total_results": 4}`, wantStatus: 200},
			{method: "POST", url: "/everything", body: `{ "total_results" : 4.0 }`, wantStatus: 200},
			{method: "POST", url: "/everything", body: `{"total_results": 4, "page": 1}`, wantStatus: 404, wantIn: []string{"Body does not match"}},
			{method: "POST", url: "/everything", body: `total_results=4`, wantStatus: 404},
		}},
		{"json-string-literal", []call{
			{method: "POST", url: "/everything", body: `{"total_results":4}`, wantStatus: 200},
			{method: "POST", url: "/everything", body: `{"total_results":"4"}`, wantStatus: 404},
		}},
		{"json-less-strict", []call{
			{method: "POST", url: "/everything", body: `{"total_results": 4, "results": [2, 1]}`, wantStatus: 200},
			{method: "POST", url: "/everything", body: `{"results": []}`, wantStatus: 404},
		}},
		{"json-placeholders", []call{
			{method: "POST", url: "/everything", body: `{ "id": "abc123" }`, wantStatus: 200},
			{method: "POST", url: "/everything", body: `{ "id": 123 }`, wantStatus: 404},
		}},
		{"fixed-delay", []call{
			{method: "GET", url: "/delayed", wantStatus: 200, wantDelay: 100 * time.Millisecond},
		}},
		{"get-or-head", []call{
			{method: "GET", url: "/get-or-head-test", wantStatus: 200, wantBody: `{"key":"value"}`},
			{method: "HEAD", url: "/get-or-head-test", wantStatus: 200, wantBody: "", wantHeader: map[string][]string{"Content-Type": {"application/json"}}},
			{method: "POST", url: "/get-or-head-test", wantStatus: 404},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.dir, func(t *testing.T) {
			t.Parallel()
			set, err := stub.Load(filepath.Join("testdata", "wiremock-docs", tc.dir))
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(stub.NewServer(set, stub.ServerOptions{}))
			defer srv.Close()
			for _, c := range tc.calls {
				check(t, srv.URL, c)
			}
		})
	}
}

// check sends c to the stub at base and compares its answer.
func check(t *testing.T, base string, c call) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), c.method, base+c.url, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	took := time.Since(start)
	data, _ := io.ReadAll(resp.Body)
	body := string(data)
	what := c.method + " " + c.url
	if resp.StatusCode != c.wantStatus {
		t.Errorf("%s: status %d, want %d; body:\n%s", what, resp.StatusCode, c.wantStatus, body)
	}
	switch {
	case c.wantIn != nil:
		for _, s := range c.wantIn {
			if !strings.Contains(body, s) {
				t.Errorf("%s: body lacks %q:\n%s", what, s, body)
			}
		}
	case c.wantStatus != 404 && body != c.wantBody:
		t.Errorf("%s: body %q, want %q", what, body, c.wantBody)
	case c.wantStatus == 404 && c.wantBody != "" && body != c.wantBody:
		t.Errorf("%s: body %q, want %q", what, body, c.wantBody)
	}
	for k, want := range c.wantHeader {
		if got := resp.Header.Values(k); !slices.Equal(got, want) {
			t.Errorf("%s: header %s = %q, want %q", what, k, got, want)
		}
	}
	if took < c.wantDelay {
		t.Errorf("%s answered after %s, before its fixed delay of %s", what, took, c.wantDelay)
	}
}

// TestAdminEndpoints: the stub answers its health and its unmatched
// requests under /__admin/, which no mapping can take, and nothing else
// there.
func TestAdminEndpoints(t *testing.T) {
	t.Parallel()
	set, err := stub.Load(filepath.Join("testdata", "wiremock-docs", "unmapped-default"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(stub.NewServer(set, stub.ServerOptions{}))
	defer srv.Close()
	check(t, srv.URL, call{method: "GET", url: stub.HealthPath, wantStatus: 200, wantBody: `{"mappings":2,"status":"healthy"}` + "\n"})
	check(t, srv.URL, call{method: "GET", url: "/__admin/mappings", wantStatus: 404, wantIn: []string{"serves only /__admin/health"}})
	check(t, srv.URL, call{method: "POST", url: stub.UnmatchedPath, wantStatus: 405, wantIn: []string{"GET only"}})
	// The catch-all mapping answers 404 itself: that is a match, not counted.
	check(t, srv.URL, call{method: "GET", url: "/nothing", wantStatus: 404, wantBody: `{"status":"Error","message":"Endpoint not found"}`})
	u, err := stub.FetchUnmatched(t.Context(), nil, srv.URL)
	if err != nil || u.Count != 0 {
		t.Errorf("unmatched = %+v, %v; want none: the catch-all matched", u, err)
	}
}

// Go keeps Host out of a request's headers; a mapping matches it as a
// header all the same, as WireMock does.
func TestMatchesTheHostHeader(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mapping := `{"request": {"urlPath": "/", "headers": {"Host": {"equalTo": "payments.pr-7.localhost"}}}, "response": {"body": "pr-7"}}`
	if err := os.WriteFile(filepath.Join(dir, "host.json"), []byte(mapping), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := stub.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(stub.NewServer(set, stub.ServerOptions{}))
	defer srv.Close()
	for host, want := range map[string]int{"payments.pr-7.localhost": 200, "payments.pr-8.localhost": 404} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, resp.StatusCode, want)
		}
	}
}
