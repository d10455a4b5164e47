package stub

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/prenv/prenv/internal/atomicfile"
)

// RecorderOptions configure a Recorder.
type RecorderOptions struct {
	// Client sends the requests upstream; default one that follows no
	// redirect (a 3xx is recorded as it is) and gives up after a minute.
	Client *http.Client
	// Logger, when set, receives a line per mapping written.
	Logger *slog.Logger
}

// Recorder is a reverse proxy to a real upstream that writes one mapping
// per distinct request (method, path and query, body) it passes on: the
// first response to each, as WireMock's recorder does with
// repeatsAsScenarios off. Request headers are not matched on; response
// headers that may hold secrets are redacted.
type Recorder struct {
	target *url.URL
	out    string
	client *http.Client
	logger *slog.Logger

	mu      sync.Mutex
	written map[string]string // request key: file
}

// NewRecorder returns a Recorder that proxies to target (an http:// or
// https:// URL, whose path prefixes every request's) and writes mappings
// into the directory out, creating it.
func NewRecorder(target, out string, o RecorderOptions) (*Recorder, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("target %q is not an http:// or https:// URL: pass the upstream's base URL, like https://api.example.com", target)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("create the mappings directory: %w", err)
	}
	client := o.Client
	if client == nil {
		client = &http.Client{
			Timeout:       time.Minute,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return &Recorder{target: u, out: out, client: client, logger: o.Logger, written: map[string]string{}}, nil
}

// Written lists the mapping files written so far, sorted.
func (rec *Recorder) Written() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	files := make([]string, 0, len(rec.written))
	for _, f := range rec.written {
		if f != "" { // "" is being written
			files = append(files, f)
		}
	}
	slices.Sort(files)
	return files
}

// ServeHTTP implements http.Handler: pass the request on, answer with the
// upstream's response, and record it if the request is new.
func (rec *Recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		http.Error(w, "read the request body: "+err.Error(), http.StatusBadRequest)
		return
	}
	resp, respBody, err := rec.forward(r.Context(), r, body)
	if err != nil {
		http.Error(w, "prenv stub record: "+err.Error(), http.StatusBadGateway)
		return
	}
	for k, v := range resp.Header {
		if !hopByHop(k) && k != "Content-Length" {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(respBody)
	if err := rec.record(r, body, resp, respBody); err != nil && rec.logger != nil {
		rec.logger.Error("mapping not written", "method", r.Method, "url", r.URL.RequestURI(), "err", err)
	}
}

// forward sends r upstream with body and reads the whole response.
func (rec *Recorder) forward(ctx context.Context, r *http.Request, body []byte) (*http.Response, []byte, error) {
	u := *rec.target
	u.Path = strings.TrimSuffix(rec.target.Path, "/") + r.URL.Path
	u.RawPath = strings.TrimSuffix(rec.target.EscapedPath(), "/") + r.URL.EscapedPath()
	u.RawQuery = r.URL.RawQuery
	out, err := http.NewRequestWithContext(ctx, r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	for k, v := range r.Header {
		// Go's transport asks for gzip itself and decodes it, so the
		// recorded body is the plain one.
		if !hopByHop(k) && k != "Accept-Encoding" {
			out.Header[k] = v
		}
	}
	resp, err := rec.client.Do(out)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	respBody, err := io.ReadAll(resp.Body)
	return resp, respBody, err
}

// recorded is a mapping as the Recorder writes it.
type recorded struct {
	Name     string           `json:"name"`
	Request  recordedRequest  `json:"request"`
	Response recordedResponse `json:"response"`
}

type recordedRequest struct {
	Method       string              `json:"method"`
	URL          string              `json:"url"`
	BodyPatterns []map[string]string `json:"bodyPatterns,omitempty"`
}

type recordedResponse struct {
	Status     int            `json:"status"`
	Headers    map[string]any `json:"headers,omitempty"`
	Body       string         `json:"body,omitempty"`
	Base64Body string         `json:"base64Body,omitempty"`
}

func (rec *Recorder) record(r *http.Request, body []byte, resp *http.Response, respBody []byte) error {
	uri := r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		uri += "?" + r.URL.RawQuery
	}
	sum := sha256.Sum256([]byte(r.Method + " " + uri + "\x00" + string(body)))
	key := hex.EncodeToString(sum[:])
	rec.mu.Lock()
	_, seen := rec.written[key]
	if !seen {
		rec.written[key] = "" // claimed: a concurrent repeat is not written twice
	}
	rec.mu.Unlock()
	if seen {
		return nil
	}
	m := recorded{
		Name:     r.Method + " " + uri,
		Request:  recordedRequest{Method: r.Method, URL: uri, BodyPatterns: bodyPattern(r.Header.Get("Content-Type"), body)},
		Response: recordedResponse{Status: resp.StatusCode, Headers: recordedHeaders(resp.Header)},
	}
	if utf8.Valid(respBody) {
		m.Response.Body = string(respBody)
	} else {
		m.Response.Base64Body = base64.StdEncoding.EncodeToString(respBody)
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	file := filepath.Join(rec.out, fmt.Sprintf("%s-%s-%s.json", strings.ToLower(r.Method), slug(r.URL.Path), key[:8]))
	if err := atomicfile.Write(file, append(data, '\n'), 0o644); err != nil {
		rec.mu.Lock()
		delete(rec.written, key) // the next repeat tries again
		rec.mu.Unlock()
		return err
	}
	rec.mu.Lock()
	rec.written[key] = file
	rec.mu.Unlock()
	if rec.logger != nil {
		rec.logger.Info("mapping written", "request", m.Name, "status", resp.StatusCode, "file", file)
	}
	return nil
}

// bodyPattern matches a recorded request's body: equal as JSON for a JSON
// body, equal as text otherwise; none for an empty or binary one.
func bodyPattern(contentType string, body []byte) []map[string]string {
	if len(body) == 0 || !utf8.Valid(body) {
		return nil
	}
	mediaType, _, _ := mime.ParseMediaType(contentType)
	if strings.Contains(mediaType, "json") && json.Valid(body) {
		return []map[string]string{{"equalToJson": string(body)}}
	}
	return []map[string]string{{"equalTo": string(body)}}
}

// Redacted is the value a recorded response header that may hold a
// secret gets.
const Redacted = "REDACTED"

// secretHeader matches the names of headers that may carry credentials.
var secretHeader = regexp.MustCompile(`(?i)(auth|cookie|token|secret|passw|api-?key|session|signature|credential)`)

// recordedHeaders are the response headers a mapping keeps: not the
// hop-by-hop ones, nor Content-Length and Date, which the stub sets
// itself; secrets redacted.
func recordedHeaders(h http.Header) map[string]any {
	out := map[string]any{}
	for k, v := range h {
		if hopByHop(k) || k == "Content-Length" || k == "Date" {
			continue
		}
		if secretHeader.MatchString(k) {
			v = slices.Repeat([]string{Redacted}, len(v))
		}
		if len(v) == 1 {
			out[k] = v[0]
		} else {
			out[k] = v
		}
	}
	return out
}

func hopByHop(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade":
		return true
	}
	return false
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// slug names a mapping file after its request's path.
func slug(path string) string {
	s := strings.Trim(nonWord.ReplaceAllString(strings.ToLower(path), "-"), "-")
	if len(s) > 60 {
		s = strings.Trim(s[:60], "-")
	}
	if s == "" {
		return "root"
	}
	return s
}
