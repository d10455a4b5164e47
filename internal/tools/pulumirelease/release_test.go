package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

const version = "v3.250.0"

// fakeArchive is a release archive in Pulumi's layout whose pulumi/pulumi
// is script; without it, it holds only another binary.
func fakeArchive(t *testing.T, script string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	files := []struct{ name, body string }{{"pulumi/pulumi-language-go", "#!/bin/sh\n"}}
	if script != "" {
		files = append(files, struct{ name, body string }{"pulumi/pulumi", script})
	}
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(f.body))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(f.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sumOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestRun runs the command against a local HTTP server standing for
// Pulumi's releases: it installs the archive only when its SHA-256 is the
// committed one, and otherwise says, in one line, why and that the source
// build follows.
func TestRun(t *testing.T) {
	t.Parallel()
	archive, err := Release{Version: version, OS: runtime.GOOS, Arch: runtime.GOARCH}.Archive()
	if err != nil {
		t.Skipf("this platform has no Pulumi release to test with: %v", err)
	}
	const script = "#!/bin/sh\necho " + version + "\n"
	good := fakeArchive(t, script)
	tests := []struct {
		name      string
		served    []byte // nil: 404
		sum       string
		offline   bool
		wantCode  int
		wantLine  string // in the one line of stderr, or stdout when installed
		wantFetch bool
	}{
		{name: "match installs", served: good, sum: sumOf(good), wantCode: 0, wantLine: "installed pulumi " + version, wantFetch: true},
		{name: "mismatch refuses", served: good, sum: strings.Repeat("0", 64), wantCode: 1, wantLine: "SHA-256 mismatch", wantFetch: true},
		{name: "tampered archive refuses", served: fakeArchive(t, "#!/bin/sh\necho evil\n"), sum: sumOf(good), wantCode: 1, wantLine: "refusing it", wantFetch: true},
		{name: "unfilled sum fetches nothing", served: good, sum: "UNFILLED", wantCode: 1, wantLine: "holds no SHA-256 for " + archive},
		{name: "offline", sum: sumOf(good), offline: true, wantCode: 1, wantLine: "cannot download"},
		{name: "not published", sum: sumOf(good), wantCode: 1, wantLine: "404", wantFetch: true},
		{name: "archive without pulumi", served: fakeArchive(t, ""), sum: sumOf(fakeArchive(t, "")), wantCode: 1, wantLine: "holds no pulumi/pulumi", wantFetch: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var fetched atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fetched.Add(1)
				if tt.served == nil || r.URL.Path != "/releases/sdk/"+archive {
					http.NotFound(w, r)
					return
				}
				w.Write(tt.served)
			}))
			defer srv.Close()
			if tt.offline {
				srv.Close()
			}
			dir := t.TempDir()
			sums := filepath.Join(dir, "pulumi.sha256")
			content := fmt.Sprintf("# comment\n%s  %s\n%s  pulumi-%s-other-x64.tar.gz\n", tt.sum, archive, sumOf(good), version)
			if err := os.WriteFile(sums, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "pulumi")
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), []string{"-version", version, "-sums", sums, "-out", out, "-url", srv.URL + "/releases/sdk"}, &stdout, &stderr)

			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stdout %q, stderr %q", code, tt.wantCode, stdout.String(), stderr.String())
			}
			said := stdout.String()
			if code != 0 {
				said = stderr.String()
				if n := strings.Count(said, "\n"); n != 1 || !strings.Contains(said, "building it from source instead") {
					t.Errorf("stderr %q: want one line that names the source build", said)
				}
			}
			if !strings.Contains(said, tt.wantLine) {
				t.Errorf("said %q, want it to contain %q", said, tt.wantLine)
			}
			if got := fetched.Load() > 0; got != tt.wantFetch {
				t.Errorf("fetched: %v, want %v", got, tt.wantFetch)
			}
			installed, err := os.ReadFile(out)
			switch {
			case code == 0 && string(installed) != script:
				t.Errorf("installed %q (%v), want the archive's pulumi", installed, err)
			case code != 0 && err == nil:
				t.Errorf("exit %d, yet %s was written", code, out)
			}
			if code == 0 {
				if info, _ := os.Stat(out); info.Mode().Perm()&0o111 == 0 {
					t.Errorf("%s has mode %v, want executable", out, info.Mode())
				}
			}
			if leftovers, _ := filepath.Glob(filepath.Join(dir, ".pulumi*")); len(leftovers) > 0 {
				t.Errorf("temporary files left: %v", leftovers)
			}
		})
	}
}

func TestArchive(t *testing.T) {
	t.Parallel()
	tests := []struct {
		os, arch, want, wantErr string
	}{
		{"linux", "amd64", "pulumi-v3.250.0-linux-x64.tar.gz", ""},
		{"linux", "arm64", "pulumi-v3.250.0-linux-arm64.tar.gz", ""},
		{"darwin", "arm64", "pulumi-v3.250.0-darwin-arm64.tar.gz", ""},
		{"linux", "s390x", "", "no tar.gz release for linux/s390x"},
		{"windows", "amd64", "", "no tar.gz release for windows/amd64"},
	}
	for _, tt := range tests {
		t.Run(tt.os+"/"+tt.arch, func(t *testing.T) {
			t.Parallel()
			got, err := Release{Version: version, OS: tt.os, Arch: tt.arch}.Archive()
			if got != tt.want || (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Archive() = %q, %v; want %q, error %q", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// TestDockerfileFetchesTheSameArchive keeps the image's pulumi stage and
// make tools on one source and one sum file.
func TestDockerfileFetchesTheSameArchive(t *testing.T) {
	t.Parallel()
	dockerfile, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{DefaultBaseURL + "/$archive", "pulumi.sha256", `archive="pulumi-${PULUMI_VERSION}-linux-${arch}.tar.gz"`} {
		if !bytes.Contains(dockerfile, []byte(want)) {
			t.Errorf("the Dockerfile's pulumi stage does not contain %q, which make tools' pulumirelease assumes: keep them equal", want)
		}
	}
}
