package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// DefaultBaseURL is where Pulumi publishes its release archives, the
// Dockerfile's source too.
const DefaultBaseURL = "https://get.pulumi.com/releases/sdk"

// Release is one platform's release archive of one pulumi version.
type Release struct {
	Version string // v3.250.0
	OS      string // GOOS
	Arch    string // GOARCH
}

// Archive names the release archive as Pulumi publishes it.
func (r Release) Archive() (string, error) {
	arch := map[string]string{"amd64": "x64", "arm64": "arm64"}[r.Arch]
	if (r.OS != "linux" && r.OS != "darwin") || arch == "" {
		return "", fmt.Errorf("Pulumi publishes no tar.gz release for %s/%s", r.OS, r.Arch)
	}
	return fmt.Sprintf("pulumi-%s-%s-%s.tar.gz", r.Version, r.OS, arch), nil
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ExpectedSum reads archive's SHA-256 from a sum file of "<sum>  <archive>"
// lines ('#' starts a comment), as make pulumi-checksums writes it.
func ExpectedSum(sumFile, archive string) (string, error) {
	f, err := os.Open(sumFile)
	if err != nil {
		return "", err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) != 2 || strings.HasPrefix(fields[0], "#") || fields[1] != archive {
			continue
		}
		if !sha256Hex.MatchString(fields[0]) {
			break
		}
		return fields[0], nil
	}
	if err := s.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("%s holds no SHA-256 for %s (make pulumi-checksums fills it on a networked machine)", sumFile, archive)
}

// ErrMismatch is a downloaded archive whose SHA-256 is not the committed one.
var ErrMismatch = errors.New("SHA-256 mismatch")

// Install downloads archive from baseURL, checks its SHA-256 against want,
// and writes the pulumi binary it holds to out. It writes nothing unless
// the archive is the one expected.
func Install(ctx context.Context, client *http.Client, baseURL, archive, want, out string) error {
	tmp, err := os.CreateTemp(filepath.Dir(out), ".pulumi-release-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	url := strings.TrimSuffix(baseURL, "/") + "/" + archive
	if err := download(ctx, client, url, tmp, want); err != nil {
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return extractPulumi(tmp, archive, out)
}

func download(ctx context.Context, client *http.Client, url string, to io.Writer, want string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("cannot download %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("cannot download %s: %s", url, resp.Status)
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(to, h), resp.Body); err != nil {
		return fmt.Errorf("cannot download %s: %w", url, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return fmt.Errorf("%w: %s has SHA-256 %s, pulumi.sha256 says %s; refusing it", ErrMismatch, url, got, want)
	}
	return nil
}

// extractPulumi writes the archive's pulumi/pulumi to out, atomically.
func extractPulumi(archive io.Reader, name, out string) error {
	gz, err := gzip.NewReader(archive)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s holds no pulumi/pulumi", name)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if h.Name == "pulumi/pulumi" && h.Typeflag == tar.TypeReg {
			return writeExecutable(tr, out)
		}
	}
}

func writeExecutable(r io.Reader, out string) error {
	f, err := os.CreateTemp(filepath.Dir(out), ".pulumi-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o755); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), out)
}
