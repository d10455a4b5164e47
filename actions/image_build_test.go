package actions

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

// imageBuild is the build stage's command for prenv: the Makefile's build
// target, the one home of its flags, writing to /out.
const imageBuild = `make build BIN=/out VERSION="${VERSION}"`

// buildStage is the Dockerfile's stage that builds prenv.
func buildStage(t *testing.T) dockerStage {
	t.Helper()
	return stage(t, readDockerfile(t, filepath.Join(testenv.RepoRoot(t), "Dockerfile")), "build")
}

func TestDockerfileBuildsWithTheMakefile(t *testing.T) {
	t.Parallel()
	build := buildStage(t)
	runs := build.runs()
	if !slices.ContainsFunc(runs, func(in dockerInstruction) bool { return in.Args == imageBuild }) {
		t.Errorf("the Dockerfile's build stage has no `RUN %s`: build prenv with the Makefile, so its flags live in one place", imageBuild)
	}
	for _, in := range runs {
		if strings.Contains(in.Args, "go build") {
			t.Errorf("Dockerfile:%d runs go build itself: use `%s`, so the Makefile stays the one home of the build flags", in.Line, imageBuild)
		}
	}
	// The fast guard; TestImageBuildsPrenv is the proof.
	if v, ok := envValue(build.env(t, nil), "CGO_ENABLED"); ok && v != "1" {
		t.Errorf("the Dockerfile's build stage sets CGO_ENABLED=%s: internal/anonymize needs cgo (pg_query_go); set CGO_ENABLED=1", v)
	}
}

// TestImageBuildsPrenv builds prenv as the image's build stage does: its
// ENV and ARG lines, the Makefile's build target, then runs the binary.
func TestImageBuildsPrenv(t *testing.T) {
	testenv.RequireTool(t, "a C compiler and minutes to compile prenv as the image does", "make test")
	t.Parallel()
	const version = "v0.0.0-imagetest"
	root, out := testenv.RepoRoot(t), t.TempDir()
	env := buildStage(t).env(t, map[string]string{"VERSION": version})
	cmd := exec.CommandContext(t.Context(), "make", "--no-print-directory", "-C", root, "build", "BIN="+out, "VERSION="+version)
	cmd.Env = append(withoutBuildTarget(os.Environ()), env...)
	if log, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the Dockerfile's build stage (environment %q) cannot build prenv: %v\n%s", env, err, log)
	}
	run := exec.CommandContext(t.Context(), filepath.Join(out, "prenv"), "version")
	run.Dir = t.TempDir() // away from ./bin's pulumi: the version line is what counts
	got, err := run.Output()
	if err != nil {
		t.Fatalf("prenv version: %v", err)
	}
	if first, _, _ := strings.Cut(string(got), "\n"); first != "prenv "+version {
		t.Errorf("prenv version printed %q first, want %q: the Makefile's VERSION must reach the binary", first, "prenv "+version)
	}
}

// withoutBuildTarget drops the variables that choose what Go builds for,
// so only the Dockerfile's say.
func withoutBuildTarget(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return name == "CGO_ENABLED" || name == "GOOS" || name == "GOARCH"
	})
}

// TestImageRunsOnTheBuildersDebian: prenv is linked against the build
// stage's glibc, so the image must be the same Debian release.
func TestImageRunsOnTheBuildersDebian(t *testing.T) {
	t.Parallel()
	stages := readDockerfile(t, filepath.Join(testenv.RepoRoot(t), "Dockerfile"))
	build, image := stage(t, stages, "build"), stage(t, stages, "")
	release := build.From[strings.LastIndex(build.From, "-")+1:]
	if release == "" || !strings.Contains(image.From, ":"+release) {
		t.Errorf("the build stage is %s but the image is %s: cgo links prenv against the build stage's glibc, so use debian:%s-slim", build.From, image.From, release)
	}
}
