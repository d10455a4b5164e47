package actions

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

// requireCommands fails the test, or skips it under -short, when one of
// names is not on PATH.
func requireCommands(t *testing.T, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := exec.LookPath(name); err != nil {
			testenv.RequireTool(t, name, "a Linux machine with "+strings.Join(names, ", "))
			t.Fatalf("%s is not on PATH: the test runs the Dockerfile's shell as docker build would", name)
		}
	}
}

// fakePulumiArchive is a release archive in Pulumi's layout, pulumi/pulumi,
// whose binary prints version.
func fakePulumiArchive(t *testing.T, version string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	script := []byte("#!/bin/sh\necho " + version + "\n")
	for _, h := range []*tar.Header{
		{Name: "pulumi/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "pulumi/pulumi", Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(script))},
	} {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tw.Write(script); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImageVerifiesPulumi runs the Dockerfile's pulumi stage as docker
// build would, with curl answering from a fake release: it must fetch the
// archive of the pinned version for the platform, and unpack it only when
// its SHA-256 is the one in pulumi.sha256.
func TestImageVerifiesPulumi(t *testing.T) {
	t.Parallel()
	requireCommands(t, "sh", "awk", "grep", "sha256sum", "tar")
	pulumiStage := stage(t, readDockerfile(t, filepath.Join(testenv.RepoRoot(t), "Dockerfile")), "pulumi")
	runs := pulumiStage.runs()
	if len(runs) != 1 {
		t.Fatalf("the pulumi stage has %d RUN lines, want the one this test runs", len(runs))
	}
	version, _ := envValue(pulumiStage.env(t, nil), "PULUMI_VERSION")
	archive := fakePulumiArchive(t, version)
	sum := sha256.Sum256(archive)
	good := hex.EncodeToString(sum[:])

	tests := []struct {
		name, arch, checksum string
		wantURL              string // fetched; "" for none
		wantErr              string // on stderr; "" for success
	}{
		{name: "amd64", arch: "amd64", checksum: good, wantURL: "https://get.pulumi.com/releases/sdk/pulumi-" + version + "-linux-x64.tar.gz"},
		{name: "arm64", arch: "arm64", checksum: good, wantURL: "https://get.pulumi.com/releases/sdk/pulumi-" + version + "-linux-arm64.tar.gz"},
		{name: "no TARGETARCH asks dpkg", arch: "", checksum: good, wantURL: "https://get.pulumi.com/releases/sdk/pulumi-" + version + "-linux-x64.tar.gz"},
		{name: "unfilled", arch: "amd64", checksum: unfilled, wantErr: "run make pulumi-checksums"},
		{name: "tampered archive", arch: "arm64", checksum: strings.Repeat("0", 64), wantURL: "https://get.pulumi.com/releases/sdk/pulumi-" + version + "-linux-arm64.tar.gz", wantErr: "did NOT match"},
		{name: "unsupported platform", arch: "s390x", checksum: good, wantErr: "build the image for linux/amd64 or linux/arm64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			tmp, opt, stubs := filepath.Join(dir, "tmp"), filepath.Join(dir, "opt"), filepath.Join(dir, "stubs")
			for _, d := range []string{tmp, opt, stubs} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			release := filepath.Join(dir, "release.tar.gz")
			var sums strings.Builder
			for _, a := range pulumiArchives(version) {
				fmt.Fprintf(&sums, "%s  %s\n", tt.checksum, a)
			}
			fetched := filepath.Join(dir, "fetched")
			// curl -fsSL --retry 3 -o FILE URL: copies the fake release
			// and records the URL; dpkg answers the build machine's arch.
			files := map[string]string{
				release:                             string(archive),
				filepath.Join(tmp, "pulumi.sha256"): sums.String(),
				filepath.Join(stubs, "curl"):        fmt.Sprintf("#!/bin/sh\nwhile [ \"$1\" != -o ]; do shift; done\ncp %q \"$2\"\necho \"$3\" >> %q\n", release, fetched),
				filepath.Join(stubs, "dpkg"):        "#!/bin/sh\necho amd64\n",
			}
			for path, body := range files {
				if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			// The stage's own paths, moved into the test's directory.
			script := strings.NewReplacer("/tmp/", tmp+"/", "/opt", opt).Replace(runs[0].Args)
			cmd := exec.CommandContext(t.Context(), "sh", "-c", script)
			cmd.Env = append(os.Environ(), "PATH="+stubs+string(os.PathListSeparator)+os.Getenv("PATH"), "PULUMI_VERSION="+version, "TARGETARCH="+tt.arch)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			got, _ := os.ReadFile(fetched)
			if url := strings.TrimSpace(string(got)); url != tt.wantURL {
				t.Errorf("fetched %q, want %q", url, tt.wantURL)
			}
			_, unpacked := os.Stat(filepath.Join(opt, "pulumi", "pulumi"))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("the stage failed: %v\n%s", err, stderr.String())
			case tt.wantErr == "" && (unpacked != nil || lastLine(stdout.String()) != version):
				t.Errorf("the stage did not unpack and run pulumi %s: stdout %q, stat %v", version, stdout.String(), unpacked)
			case tt.wantErr != "" && (err == nil || !strings.Contains(stderr.String(), tt.wantErr)):
				t.Errorf("the stage ended with %v and stderr %q, want a failure saying %q", err, stderr.String(), tt.wantErr)
			case tt.wantErr != "" && unpacked == nil:
				t.Error("the stage failed yet unpacked pulumi")
			}
		})
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// TestPulumiChecksumsTarget runs make pulumi-checksums against a local
// copy of Pulumi's checksums file.
func TestPulumiChecksumsTarget(t *testing.T) {
	t.Parallel()
	requireCommands(t, "make", "curl", "awk", "grep")
	root := testenv.RepoRoot(t)
	version := makeVariable(t, filepath.Join(root, "Makefile"), "PULUMI_VERSION")
	published := fmt.Sprintf("%s  pulumi-%s-darwin-arm64.tar.gz\n%s  pulumi-%s-linux-arm64.tar.gz\n%s  pulumi-%s-linux-x64.tar.gz\n",
		strings.Repeat("a", 64), version, strings.Repeat("b", 64), version, strings.Repeat("c", 64), version)
	refresh := func(t *testing.T, checksums string) (string, string, error) {
		t.Helper()
		src, out := filepath.Join(t.TempDir(), "checksums.txt"), filepath.Join(t.TempDir(), "pulumi.sha256")
		if err := os.WriteFile(src, []byte(checksums), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.CommandContext(t.Context(), "make", "--no-print-directory", "-C", root, "pulumi-checksums",
			"PULUMI_CHECKSUMS_URL=file://"+src, "PULUMI_SHA256="+out)
		log, err := cmd.CombinedOutput()
		written, _ := os.ReadFile(out)
		return string(written), string(log), err
	}

	t.Run("writes the linux archives", func(t *testing.T) {
		written, log, err := refresh(t, published)
		if err != nil {
			t.Fatalf("make pulumi-checksums: %v\n%s", err, log)
		}
		path := filepath.Join(t.TempDir(), "pulumi.sha256")
		if err := os.WriteFile(path, []byte(written), 0o644); err != nil {
			t.Fatal(err)
		}
		sums := readChecksums(t, path)
		want := map[string]string{
			"pulumi-" + version + "-linux-arm64.tar.gz": strings.Repeat("b", 64),
			"pulumi-" + version + "-linux-x64.tar.gz":   strings.Repeat("c", 64),
		}
		if fmt.Sprint(sums) != fmt.Sprint(want) {
			t.Errorf("wrote %v, want %v", sums, want)
		}
	})
	t.Run("refuses a list without an archive", func(t *testing.T) {
		written, log, err := refresh(t, strings.SplitAfter(published, "\n")[1])
		if err == nil || !strings.Contains(log, "lists no SHA-256 for pulumi-"+version+"-linux-x64.tar.gz") || written != "" {
			t.Errorf("make pulumi-checksums ended with %v and wrote %q; want a failure naming the missing archive and nothing written\n%s", err, written, log)
		}
	})
}
