package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/testenv"
)

func requireMake(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		testenv.RequireTool(t, "make", "a machine with GNU make")
		t.Fatal("make is not on PATH")
	}
}

// fakeGo stands for the go command in the Makefile's recipes: it logs its
// arguments; the pulumirelease it builds logs its own and succeeds only
// when FAKE_RELEASE is "ok", as the real one does when the archive
// downloads and matches; any other build writes "source".
const fakeGo = `#!/bin/sh
echo "go $*" >> "$GO_LOG"
out=; prev=
for a in "$@"; do
  case "$prev" in -o) out=$a ;; esac
  prev=$a
done
case "$*" in
*./internal/tools/pulumirelease*)
  cat > "$out" <<'EOF'
#!/bin/sh
echo "pulumirelease $*" >> "$GO_LOG"
out=; prev=
for a in "$@"; do
  case "$prev" in -out) out=$a ;; esac
  prev=$a
done
if [ "$FAKE_RELEASE" = ok ]; then echo release > "$out"; exit 0; fi
echo "pulumi: not installing Pulumi's release: offline; building it from source instead" >&2
exit 1
EOF
  chmod +x "$out" ;;
*) echo source > "$out" ;;
esac
`

// TestMakePulumiFallsBackToTheSourceBuild runs the Makefile's bin/pulumi
// recipe with a stand-in go: the release when pulumirelease installs it,
// else the source build, after its one line.
func TestMakePulumiFallsBackToTheSourceBuild(t *testing.T) {
	t.Parallel()
	requireMake(t)
	root := testenv.RepoRoot(t)
	tests := []struct {
		name, release, want string
		wantBuild           bool
	}{
		{name: "release installed", release: "ok", want: "release"},
		{name: "release refused", release: "no", want: "source", wantBuild: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			bin, goLog, fake := filepath.Join(dir, "bin"), filepath.Join(dir, "go.log"), filepath.Join(dir, "go")
			if err := os.WriteFile(fake, []byte(fakeGo), 0o755); err != nil {
				t.Fatal(err)
			}
			cmd := exec.CommandContext(t.Context(), "make", "--no-print-directory", "-C", root, "BIN="+bin, "GO="+fake, bin+"/pulumi")
			cmd.Env = append(os.Environ(), "GO_LOG="+goLog, "FAKE_RELEASE="+tt.release)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("make: %v\n%s", err, out)
			}
			got, _ := os.ReadFile(filepath.Join(bin, "pulumi"))
			if strings.TrimSpace(string(got)) != tt.want {
				t.Errorf("bin/pulumi came from %q, want %q; make said:\n%s", got, tt.want, out)
			}
			log, _ := os.ReadFile(goLog)
			if !strings.Contains(string(log), "pulumirelease -version v") {
				t.Errorf("make did not try the release first; it ran:\n%s", log)
			}
			if _, err := os.Stat(filepath.Join(bin, ".pulumirelease")); err == nil {
				t.Error("make left its pulumirelease helper in BIN")
			}
			built := strings.Contains(string(log), "go build -ldflags")
			if built != tt.wantBuild {
				t.Errorf("source build run: %v, want %v; make ran:\n%s", built, tt.wantBuild, log)
			}
			if tt.wantBuild && !strings.Contains(string(out), "building it from source instead") {
				t.Errorf("make built from source without saying why:\n%s", out)
			}
			if strings.Contains(string(out), "exit status") {
				t.Errorf("make's output has more than the one line:\n%s", out)
			}
		})
	}
}

// TestDemoBuildsOnlyWhatItUses holds make demo to prenv, the pulumi CLI
// and PostgreSQL: a newcomer's first run waits for nothing else.
func TestDemoBuildsOnlyWhatItUses(t *testing.T) {
	t.Parallel()
	requireMake(t)
	bin := filepath.Join(t.TempDir(), "bin")
	out, err := exec.CommandContext(t.Context(), "make", "-n", "--no-print-directory", "-C", testenv.RepoRoot(t), "BIN="+bin, "demo").CombinedOutput()
	if err != nil {
		t.Fatalf("make -n demo: %v\n%s", err, out)
	}
	plan := string(out)
	for _, want := range []string{"-o " + bin + "/prenv", "pulumirelease", "initdb", "PRENV_BINARY=" + bin + "/prenv ./examples/app/demo.sh"} {
		if !strings.Contains(plan, want) {
			t.Errorf("make -n demo does not mention %q:\n%s", want, plan)
		}
	}
	for _, unwanted := range []string{"kube-apiserver", "opentofu", "caddy", "etcd", "moto"} {
		if strings.Contains(plan, unwanted) {
			t.Errorf("make demo builds or installs %s, which the demo does not use:\n%s", unwanted, plan)
		}
	}
}
