package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prenv/prenv/internal/testenv"
)

// TestBinaryStubRecordThenServe records a local upstream with prenv stub
// record, stops it as a user does (Ctrl-C), then serves what it wrote with
// prenv stub serve and gets the same answers, without the upstream.
func TestBinaryStubRecordThenServe(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Set-Cookie", "session=s3cr3t")
		fmt.Fprintf(w, `{"path":%q}`, r.URL.Path)
	}))
	defer upstream.Close()
	out := filepath.Join(s.dir, "stubs", "payments")
	addr := freeAddr(t)
	rec := s.command("stub", "record", "--target", upstream.URL, "--out", out, "--addr", addr)
	var stdout, stderr bytes.Buffer
	rec.Stdout, rec.Stderr = &stdout, &stderr
	if err := rec.Start(); err != nil {
		t.Fatal(err)
	}
	waitListening(t, addr)
	for _, path := range []string{"/payments/status", "/payments/status", "/payments/methods"} {
		if code, body := httpGet(t, "http://"+addr+path); code != 200 || body != fmt.Sprintf(`{"path":%q}`, path) {
			t.Fatalf("GET %s through the recorder: %d %q", path, code, body)
		}
	}
	_ = rec.Process.Signal(syscall.SIGINT)
	if err := rec.Wait(); err != nil {
		t.Fatalf("stub record after Ctrl-C: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "2 mappings written to "+out) {
		t.Errorf("stub record printed %q, want the 2 distinct requests written", stdout.String())
	}
	upstream.Close()

	addr = freeAddr(t)
	serve := s.command("stub", "serve", "--mappings", out, "--addr", addr)
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = serve.Process.Signal(syscall.SIGTERM); _ = serve.Wait() }()
	waitListening(t, addr)
	if code, body := httpGet(t, "http://"+addr+"/payments/methods"); code != 200 || body != `{"path":"/payments/methods"}` {
		t.Errorf("GET /payments/methods from the stub: %d %q", code, body)
	}
	if code, body := httpGet(t, "http://"+addr+"/payments/refunds"); code != 404 || !strings.Contains(body, "Closest stub: GET /payments/") {
		t.Errorf("GET /payments/refunds from the stub: %d %q, want 404 naming the closest mapping", code, body)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"stub", "record", "--service", "payments"}, "--target URL is required"},
		{[]string{"stub", "record", "--target", "http://127.0.0.1:1"}, "pass --out DIR, or --service NAME"},
		{[]string{"stub", "record", "--target", "http://127.0.0.1:1", "--service", "payments"}, "prenv.yaml has no service payments"},
		{[]string{"stub", "record", "--target", "payments.internal", "--out", out}, `target "payments.internal" is not an http:// or https:// URL`},
		{[]string{"stub", "serve", "--addr", "127.0.0.1:0"}, "--mappings DIR is required"},
	} {
		if _, stderr, code := s.run(tc.args...); code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("prenv %s: exit %d, %q; want 2 saying %q", strings.Join(tc.args, " "), code, stderr, tc.want)
		}
	}
	bad := filepath.Join(s.dir, "bad")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, "x.json"), []byte(`{"request": {"url": "/x"}, "response": {"fault": "EMPTY_RESPONSE"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := s.run("stub", "serve", "--mappings", bad, "--addr", freeAddr(t)); code != 2 || !strings.Contains(stderr, filepath.Join(bad, "x.json")+": response.fault: faults are not served") {
		t.Errorf("stub serve of a mapping it cannot serve: exit %d, %q; want 2 naming the file and field", code, stderr)
	}
}

// TestBinaryLocalStub brings up a local environment with a stub service on
// each engine: the stub answers through the router, counts what it does
// not match (prenv outputs shows it), restarts when its mappings change,
// and goes with the environment. A mapping it cannot serve stops up.
func TestBinaryLocalStub(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"pulumi", "terraform"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			s := newManagedSandbox(t)
			s.extraEnv = append(s.extraEnv, "PRENV_TERRAFORM="+testenv.Terraform(t))
			s.writeBlueprint("stubbed", engine, false)
			bp, err := os.ReadFile(filepath.Join(s.dir, "prenv.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			bp = append(bp, "  - name: payments\n    stub: {mappings: stubs/payments}\n"...)
			writeMapping := func(file, status string) {
				t.Helper()
				dir := filepath.Join(s.dir, "stubs", "payments")
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				body := fmt.Sprintf(`{"request": {"method": "GET", "urlPath": "/payments/status"}, "response": {"status": 200, "jsonBody": {"status": %q}}}`, status)
				if strings.Contains(status, "cookie") {
					body = `{"request": {"urlPath": "/c", "cookies": {"s": {"equalTo": "1"}}}}`
				}
				if err := os.WriteFile(filepath.Join(dir, file), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(s.dir, "prenv.yaml"), bp, 0o644); err != nil {
				t.Fatal(err)
			}
			writeMapping("status.json", "ok")
			s.upJSON("--env", "baseline")
			stub := fmt.Sprintf("http://127.0.0.1:%d/_prenv/baseline/payments", s.routerPort)
			if code, body := httpGet(t, stub+"/payments/status"); code != 200 || body != `{"status":"ok"}` {
				t.Errorf("GET the stub through the router: %d %q", code, body)
			}
			if code, _ := httpGet(t, stub+"/payments/refunds"); code != 404 {
				t.Errorf("GET an unmapped path of the stub: %d, want 404", code)
			}
			stdout, stderr, code := s.run("outputs", "--env", "baseline", "--json")
			var got struct{ Outputs map[string]any }
			if code != 0 || json.Unmarshal([]byte(stdout), &got) != nil || got.Outputs["unmatched:payments"] != float64(1) {
				t.Errorf("outputs: exit %d, %s %s; want unmatched:payments 1", code, stdout, stderr)
			}

			writeMapping("status.json", "changed")
			s.upJSON("--env", "baseline")
			if code, body := httpGet(t, stub+"/payments/status"); code != 200 || body != `{"status":"changed"}` {
				t.Errorf("GET the stub after its mappings changed: %d %q, want the new answer", code, body)
			}

			writeMapping("cookie.json", "cookie")
			if _, stderr, code := s.run("up", "--env", "baseline"); code != 2 || !strings.Contains(stderr, "services[1].stub.mappings of payments") ||
				!strings.Contains(stderr, filepath.Join("stubs", "payments", "cookie.json")+": request.cookies: ") {
				t.Errorf("up with a mapping prenv cannot serve: exit %d, %s; want 2 naming the service, file and field", code, stderr)
			}
			if err := os.Remove(filepath.Join(s.dir, "stubs", "payments", "cookie.json")); err != nil {
				t.Fatal(err)
			}
			if _, stderr, code := s.run("destroy", "--env", "baseline"); code != 0 {
				t.Fatalf("destroy: exit %d: %s", code, stderr)
			}
			if left := testenv.ProcessesWithEnv("PRENV_SERVICE=" + filepath.Join(s.home, "envs")); len(left) != 0 {
				t.Errorf("service processes left after destroy: %v", left)
			}
		})
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitListening waits until something accepts connections on addr.
func waitListening(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listens on %s after 30s", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}
