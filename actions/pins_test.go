package actions

import (
	"bufio"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	pulumiengine "github.com/prenv/prenv/automation/pulumi"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks/aws"
)

// unfilled marks a checksum in pulumi.sha256 not fetched yet.
const unfilled = "UNFILLED"

var (
	pluginInstall = regexp.MustCompile(`pulumi plugin install (\S+) (\S+) v?(\S+)`)
	sha256Hex     = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// TestImagePinsMatchPrenv keeps the image's pulumi CLI and plugins equal
// to the versions prenv is built against (prenv plugins prints them), and
// the Makefile's pulumi, which make tools builds, equal to both.
func TestImagePinsMatchPrenv(t *testing.T) {
	t.Parallel()
	root := testenv.RepoRoot(t)
	stages := readDockerfile(t, filepath.Join(root, "Dockerfile"))
	want := "v" + pulumiengine.Version.String()

	if got := makeVariable(t, filepath.Join(root, "Makefile"), "PULUMI_VERSION"); got != want {
		t.Errorf("the Makefile's PULUMI_VERSION is %s but prenv needs pulumi %s (automation/pulumi.Version): make them equal", got, want)
	}
	if got, _ := envValue(stage(t, stages, "pulumi").env(t, nil), "PULUMI_VERSION"); got != want {
		t.Errorf("the Dockerfile's pulumi stage has ARG PULUMI_VERSION=%s, want %s (automation/pulumi.Version)", got, want)
	}

	image := stage(t, stages, "")
	var installed []string
	installLine := 0
	for _, run := range image.runs() {
		for _, m := range pluginInstall.FindAllStringSubmatch(run.Args, -1) {
			installed = append(installed, fmt.Sprintf("%s %s %s", m[1], m[2], m[3]))
			installLine = run.Line
		}
	}
	var pinned []string
	for _, p := range aws.Plugins {
		pinned = append(pinned, fmt.Sprintf("resource %s %s", p.Name, p.Version))
	}
	slices.Sort(installed)
	slices.Sort(pinned)
	if !slices.Equal(installed, pinned) {
		t.Errorf("the image installs the plugins %q, but the aws target pins %q (stacks/aws.Plugins): make the Dockerfile's pulumi plugin install lines equal to prenv plugins", installed, pinned)
	}
	homeLine := 0
	for _, in := range image.Instructions {
		if in.Cmd == "ENV" && strings.Contains(in.Args, "PULUMI_HOME=") {
			homeLine = in.Line
		}
	}
	if homeLine == 0 || homeLine > installLine {
		t.Errorf("the image sets no PULUMI_HOME before it installs the plugins: the runner sets HOME to its own directory, so set ENV PULUMI_HOME first, where prenv looks for them")
	}
}

// pulumiArchives are the release archives of Pulumi's version that the
// image may unpack: linux on amd64 (x64 in Pulumi's names) and arm64.
func pulumiArchives(version string) []string {
	return []string{"pulumi-" + version + "-linux-arm64.tar.gz", "pulumi-" + version + "-linux-x64.tar.gz"}
}

// readChecksums reads a sha256sum-style file: archive name to SHA-256, or
// to unfilled.
func readChecksums(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v: run make pulumi-checksums", err)
	}
	defer f.Close()
	sums := map[string]string{}
	s := bufio.NewScanner(f)
	for n := 1; s.Scan(); n++ {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 || (fields[0] != unfilled && !sha256Hex.MatchString(fields[0])) {
			t.Errorf("%s:%d: %q is not `<sha256>  <archive>`: run make pulumi-checksums", path, n, line)
			continue
		}
		sums[fields[1]] = fields[0]
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return sums
}

func TestPulumiChecksumsNameThePinnedArchives(t *testing.T) {
	t.Parallel()
	root := testenv.RepoRoot(t)
	sums := readChecksums(t, filepath.Join(root, "pulumi.sha256"))
	want := pulumiArchives(makeVariable(t, filepath.Join(root, "Makefile"), "PULUMI_VERSION"))
	if got := slices.Sorted(maps.Keys(sums)); !slices.Equal(got, want) {
		t.Errorf("pulumi.sha256 lists %q, want %q: run make pulumi-checksums after changing PULUMI_VERSION", got, want)
	}
}
