package stub_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prenv/prenv/internal/stub"
)

// upstream is a small payments API, standing in for the real service a
// stub replaces; it counts the requests that reach it.
func upstream(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/payments/status", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Set-Cookie", "session=s3cr3t-session; HttpOnly")
		w.Header().Set("X-Api-Token", "tok_live_abc")
		w.Header().Set("X-Request-Id", "req-1")
		fmt.Fprintf(w, `{"status":"ok","region":%q}`, r.URL.Query().Get("region"))
	})
	mux.HandleFunc("POST /v1/payments/charges", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Amount int }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"id":"ch_%d","amount":%d}`, in.Amount, in.Amount)
	})
	mux.HandleFunc("GET /v1/receipt.png", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write([]byte{0x89, 'P', 'N', 'G', 0, 0xff, 0xfe})
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// exchange is a request and the response it got, compared between the
// upstream (through the recorder) and the stub.
type exchange struct {
	status      int
	body        string
	contentType string
	header      http.Header
}

func do(t *testing.T, base, method, path, body string) exchange {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer sk_live_secret")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return exchange{status: resp.StatusCode, body: string(data), contentType: resp.Header.Get("Content-Type"), header: resp.Header}
}

// TestRecordThenReplay records a local upstream through the Recorder,
// then serves the written mappings and checks that each request gets the
// upstream's answer again, with secret headers redacted, and that
// nothing else matches.
func TestRecordThenReplay(t *testing.T) {
	t.Parallel()
	up, hits := upstream(t)
	out := t.TempDir()
	rec, err := stub.NewRecorder(up.URL+"/v1", out, stub.RecorderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewServer(rec)
	defer proxy.Close()

	requests := []struct{ method, path, body string }{
		{"GET", "/payments/status?region=eu", ""},
		{"GET", "/payments/status?region=us", ""},
		{"POST", "/payments/charges", `{"amount": 1200}`},
		{"POST", "/payments/charges", `{"amount": 300}`},
		{"GET", "/receipt.png", ""},
	}
	recorded := make([]exchange, len(requests))
	for i, r := range requests {
		recorded[i] = do(t, proxy.URL, r.method, r.path, r.body)
	}
	// A repeat is passed on but not recorded again.
	if again := do(t, proxy.URL, "GET", "/payments/status?region=eu", ""); again.body != recorded[0].body {
		t.Errorf("the repeat through the recorder got %q, want %q", again.body, recorded[0].body)
	}
	if recorded[2].status != http.StatusCreated || recorded[2].body != `{"id":"ch_1200","amount":1200}` {
		t.Fatalf("the recorder did not pass the charge on: %+v", recorded[2])
	}
	if n := hits.Load(); n != int64(len(requests)+1) {
		t.Errorf("the upstream saw %d requests, want %d", n, len(requests)+1)
	}
	files, _ := os.ReadDir(out)
	if len(files) != len(requests) || len(rec.Written()) != len(requests) {
		t.Fatalf("%d mapping files (Written %d), want one per distinct request, %d", len(files), len(rec.Written()), len(requests))
	}
	for _, f := range rec.Written() {
		data, _ := os.ReadFile(f)
		for _, secret := range []string{"s3cr3t-session", "tok_live_abc", "sk_live_secret"} {
			if strings.Contains(string(data), secret) {
				t.Errorf("%s holds the secret %q:\n%s", f, secret, data)
			}
		}
	}

	set, err := stub.Load(out)
	if err != nil {
		t.Fatalf("the recorded mappings do not load: %v", err)
	}
	srv := stub.NewServer(set, stub.ServerOptions{})
	replay := httptest.NewServer(srv)
	defer replay.Close()
	before := hits.Load()
	for i, r := range requests {
		got := do(t, replay.URL, r.method, r.path, r.body)
		want := recorded[i]
		if got.status != want.status || got.body != want.body || got.contentType != want.contentType {
			t.Errorf("%s %s replayed %d %q (%s), recorded %d %q (%s)", r.method, r.path, got.status, got.body, got.contentType, want.status, want.body, want.contentType)
		}
		if id := got.header.Get("X-Request-Id"); want.header.Get("X-Request-Id") != id {
			t.Errorf("%s %s: X-Request-Id %q, recorded %q", r.method, r.path, id, want.header.Get("X-Request-Id"))
		}
	}
	status := do(t, replay.URL, "GET", "/payments/status?region=eu", "")
	for _, h := range []string{"Set-Cookie", "X-Api-Token"} {
		if got := status.header.Values(h); !slices.Equal(got, []string{stub.Redacted}) {
			t.Errorf("replayed %s = %q, want it redacted", h, got)
		}
	}
	if hits.Load() != before {
		t.Errorf("the replay reached the upstream %d times", hits.Load()-before)
	}
	for _, miss := range []struct{ method, path, body string }{
		{"GET", "/payments/status?region=ap", ""},
		{"POST", "/payments/charges", `{"amount": 999}`},
		{"DELETE", "/payments/charges", ""},
	} {
		if got := do(t, replay.URL, miss.method, miss.path, miss.body); got.status != http.StatusNotFound || !strings.Contains(got.body, "Closest stub: ") {
			t.Errorf("%s %s (not recorded) got %d %q, want 404 naming the closest stub", miss.method, miss.path, got.status, got.body)
		}
	}
	u, err := stub.FetchUnmatched(t.Context(), nil, replay.URL)
	if err != nil {
		t.Fatal(err)
	}
	if u.Count != 3 || len(u.Requests) != 3 || u.Requests[1].URL != "/payments/charges" || !strings.Contains(u.Requests[1].Closest, "post-payments-charges-") {
		t.Errorf("unmatched = %+v, want the 3 misses, the charge's closest a recorded charge", u)
	}
}

func TestNewRecorderRefusesABadTarget(t *testing.T) {
	t.Parallel()
	for _, target := range []string{"", "payments.internal", "ftp://payments.internal", "https://"} {
		if _, err := stub.NewRecorder(target, t.TempDir(), stub.RecorderOptions{}); err == nil || !strings.Contains(err.Error(), "is not an http:// or https:// URL") {
			t.Errorf("NewRecorder(%q) = %v, want a refusal naming the URL form", target, err)
		}
	}
}
