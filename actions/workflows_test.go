package actions

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"

	"github.com/prenv/prenv/internal/testenv"
)

// lint runs actionlint on files as `make lint` does, without shellcheck or
// pyflakes, and returns its findings as file:line:col messages relative to
// dir.
func lint(t *testing.T, dir string, files []string) []string {
	t.Helper()
	// The zero Color leaves fatih/color's global alone when out is not a
	// terminal, so parallel tests do not race on it.
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{WorkingDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.LintFiles(files, nil)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	return msgs
}

func TestWorkflowsPassActionlint(t *testing.T) {
	t.Parallel()
	root := testenv.RepoRoot(t)
	var files []string
	// The examples users copy, and the repository's own (the release).
	for _, dir := range []string{filepath.Join(root, "examples", "workflows"), filepath.Join(root, ".github", "workflows")} {
		found, err := filepath.Glob(filepath.Join(dir, "*.yml"))
		if err != nil {
			t.Fatal(err)
		}
		if len(found) == 0 {
			t.Fatalf("no workflows in %s: they are missing", dir)
		}
		files = append(files, found...)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			for _, msg := range lint(t, root, []string{f}) {
				t.Error(msg)
			}
		})
	}
	t.Run("broken workflows fail", testActionlintCatches)
}

// testActionlintCatches proves that the lint above can fail.
func testActionlintCatches(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		workflow string
		want     string // in one of the messages
	}{
		{
			name: "untrusted input in run",
			workflow: `on: pull_request
permissions: {}
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ github.event.pull_request.title }}"
`,
			want: "potentially untrusted",
		},
		{
			name: "unknown event",
			workflow: `on: pull_request_opened
permissions: {}
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - run: echo hello
`,
			want: `unknown Webhook event "pull_request_opened"`,
		},
		{
			name: "unknown step output",
			workflow: `on: push
permissions: {}
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - run: echo "$URL"
        env:
          URL: ${{ steps.missing.outputs.preview-url }}
`,
			want: `property "missing" is not defined`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			f := filepath.Join(dir, "broken.yml")
			if err := os.WriteFile(f, []byte(tt.workflow), 0o644); err != nil {
				t.Fatal(err)
			}
			got := lint(t, dir, []string{f})
			if !slices.ContainsFunc(got, func(msg string) bool { return strings.Contains(msg, tt.want) }) {
				t.Errorf("actionlint found %q, want a message containing %q", got, tt.want)
			}
		})
	}
}

// actionMetadata is the part of action.yml the Action's code depends on.
type actionMetadata struct {
	Name        string    `yaml:"name"`
	Description string    `yaml:"description"`
	Inputs      yaml.Node `yaml:"inputs"` // a node, to keep the order
	Outputs     map[string]struct {
		Description string `yaml:"description"`
	} `yaml:"outputs"`
	Runs struct {
		Using          string   `yaml:"using"`
		Image          string   `yaml:"image"`
		Entrypoint     string   `yaml:"entrypoint"`
		Args           []string `yaml:"args"`
		PostEntrypoint string   `yaml:"post-entrypoint"`
	} `yaml:"runs"`
}

func TestActionYAMLMatchesCode(t *testing.T) {
	t.Parallel()
	root := testenv.RepoRoot(t)
	b, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var meta actionMetadata
	if err := yaml.Unmarshal(b, &meta); err != nil {
		t.Fatalf("action.yml: %v", err)
	}

	t.Run("inputs", func(t *testing.T) {
		if meta.Inputs.Kind != yaml.MappingNode {
			t.Fatalf("action.yml: inputs is not a map")
		}
		var got []string
		for i := 0; i+1 < len(meta.Inputs.Content); i += 2 {
			name, spec := meta.Inputs.Content[i], meta.Inputs.Content[i+1]
			got = append(got, name.Value)
			var in struct {
				Description string `yaml:"description"`
			}
			if err := spec.Decode(&in); err != nil || strings.TrimSpace(in.Description) == "" {
				t.Errorf("action.yml:%d: input %s has no description", name.Line, name.Value)
			}
		}
		if !slices.Equal(got, InputNames) {
			t.Errorf("action.yml inputs, in order:\n got %q\nwant %q (InputNames)", got, InputNames)
		}
	})

	t.Run("outputs", func(t *testing.T) {
		var got []string
		for name, out := range meta.Outputs {
			got = append(got, name)
			if strings.TrimSpace(out.Description) == "" {
				t.Errorf("action.yml: output %s has no description", name)
			}
		}
		want := slices.Clone(OutputNames)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("action.yml outputs: got %q, want %q (OutputNames)", got, want)
		}
	})

	t.Run("runs", func(t *testing.T) {
		tests := []struct {
			field, got, want string
		}{
			{"runs.using", meta.Runs.Using, "docker"},
			{"runs.image", meta.Runs.Image, "Dockerfile"},
			{"runs.entrypoint", meta.Runs.Entrypoint, "/usr/local/bin/prenv"},
			{"runs.args", strings.Join(meta.Runs.Args, " "), "action"},
			{"runs.post-entrypoint", meta.Runs.PostEntrypoint, "/usr/local/bin/prenv-action-post"},
		}
		for _, tt := range tests {
			if tt.got != tt.want {
				t.Errorf("action.yml %s = %q, want %q", tt.field, tt.got, tt.want)
			}
		}
	})

	t.Run("marketplace", func(t *testing.T) {
		// The Marketplace refuses to publish an action whose description is
		// 125 characters or more.
		if meta.Name == "" {
			t.Error("action.yml has no name")
		}
		if n := len([]rune(meta.Description)); n == 0 || n >= 125 {
			t.Errorf("action.yml description is %d characters, want 1-124", n)
		}
	})

	t.Run("Dockerfile", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
		if err != nil {
			t.Fatal(err)
		}
		dockerfile := string(b)
		for _, want := range []string{
			"ln -s prenv /usr/local/bin/prenv-action-post",
			"ln -s prenv /usr/local/bin/pulumi-resource-prenv",
			`ENTRYPOINT ["/usr/local/bin/prenv"]`,
			// A test-command's smoke test: the local target's URL answers
			// only inside the container.
			"--no-install-recommends git ca-certificates curl",
		} {
			if !strings.Contains(dockerfile, want) {
				t.Errorf("Dockerfile does not contain %q", want)
			}
		}
	})
}

// makeVariable returns the value of a `NAME := value` line in a Makefile.
func makeVariable(t *testing.T, path, name string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		k, v, ok := strings.Cut(s.Text(), ":=")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	t.Fatalf("%s: no %s := line", path, name)
	return ""
}
