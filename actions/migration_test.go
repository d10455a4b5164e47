package actions

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/prenv/prenv/internal/testenv"
)

// actionIO is an action.yml's inputs, in order, with their defaults, and
// its outputs.
type actionIO struct {
	inputs   []string
	defaults map[string]string // "" when an input has none
	outputs  []string
}

func readActionIO(t *testing.T, path string) actionIO {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Inputs  yaml.Node `yaml:"inputs"`
		Outputs yaml.Node `yaml:"outputs"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	a := actionIO{defaults: map[string]string{}}
	for i := 0; i+1 < len(doc.Inputs.Content); i += 2 {
		var spec struct {
			Default string `yaml:"default"`
		}
		if err := doc.Inputs.Content[i+1].Decode(&spec); err != nil {
			t.Fatalf("%s: input %s: %v", path, doc.Inputs.Content[i].Value, err)
		}
		a.inputs = append(a.inputs, doc.Inputs.Content[i].Value)
		a.defaults[doc.Inputs.Content[i].Value] = spec.Default
	}
	for i := 0; i < len(doc.Outputs.Content); i += 2 {
		a.outputs = append(a.outputs, doc.Outputs.Content[i].Value)
	}
	if len(a.inputs) == 0 || len(a.outputs) == 0 {
		t.Fatalf("%s: no inputs or no outputs", path)
	}
	return a
}

// markdownTable returns the rows of the table in text whose first header
// cell is first, each a map from header to cell, with a cell's backticks
// dropped and "—" read as empty.
func markdownTable(text, first string) []map[string]string {
	var header []string
	var rows []map[string]string
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "|") {
			if header != nil {
				break // the table ended
			}
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		switch {
		case header == nil && cells[0] == first:
			header = cells
		case header == nil, strings.HasPrefix(cells[0], "---"):
		default:
			row := map[string]string{}
			for i, h := range header {
				if i < len(cells) {
					row[h] = cell(cells[i])
				}
			}
			rows = append(rows, row)
		}
	}
	return rows
}

func cell(s string) string {
	if s == "—" {
		return ""
	}
	if strings.HasPrefix(s, "`") && strings.HasSuffix(s, "`") && strings.Count(s, "`") == 2 {
		return s[1 : len(s)-1]
	}
	return s
}

// migrationStatus is what a row's status must say, from the facts.
func migrationStatus(theirs, ours string, theirDefault, ourDefault string) string {
	switch {
	case ours == "":
		return "not supported"
	case ours != theirs:
		return "different name"
	case theirDefault == ourDefault:
		return "same"
	default:
		return "different default"
	}
}

// migrationProblems checks the README's tables against pulumi/actions'
// recorded inputs and outputs and prenv's action.yml: a row per input and
// output of theirs, in their order, defaults as the files have them, a
// prenv name that action.yml has, and the status the facts give.
func migrationProblems(theirs, ours actionIO, inputRows, outputRows []map[string]string) []string {
	var problems []string
	var named []string
	for _, row := range inputRows {
		name, prenv := row["pulumi/actions input"], row["prenv input"]
		named = append(named, name)
		theirDefault, known := theirs.defaults[name]
		if !known {
			problems = append(problems, fmt.Sprintf("the table's %s is not an input of pulumi/actions", name))
			continue
		}
		if row["its default"] != theirDefault {
			problems = append(problems, fmt.Sprintf("%s: its default is %q in pulumi/actions, not %q", name, theirDefault, row["its default"]))
		}
		ourDefault, ok := ours.defaults[prenv]
		switch {
		case prenv == "" && slices.Contains(ours.inputs, name):
			problems = append(problems, fmt.Sprintf("%s: the table says prenv lacks it, but action.yml has an input of that name", name))
		case prenv != "" && !ok:
			problems = append(problems, fmt.Sprintf("%s: the table names prenv input %s, which action.yml lacks", name, prenv))
		case row["prenv's default"] != ourDefault:
			problems = append(problems, fmt.Sprintf("%s: prenv's default is %q in action.yml, not %q", name, ourDefault, row["prenv's default"]))
		}
		if want := migrationStatus(name, prenv, theirDefault, ourDefault); row["status"] != want {
			problems = append(problems, fmt.Sprintf("%s: status %q; action.yml and pulumi/actions' defaults make it %q", name, row["status"], want))
		}
	}
	if !slices.Equal(named, theirs.inputs) {
		problems = append(problems, fmt.Sprintf("the inputs table's rows are %q; want pulumi/actions' inputs in its order, %q", named, theirs.inputs))
	}
	named = nil
	for _, row := range outputRows {
		name, prenv := row["pulumi/actions output"], row["prenv output"]
		named = append(named, name)
		switch {
		case prenv != "" && !slices.Contains(ours.outputs, prenv):
			problems = append(problems, fmt.Sprintf("output %s: the table names prenv output %s, which action.yml lacks", name, prenv))
		case row["status"] != migrationStatus(name, prenv, "", ""):
			problems = append(problems, fmt.Sprintf("output %s: status %q; want %q", name, row["status"], migrationStatus(name, prenv, "", "")))
		}
	}
	if !slices.Equal(named, theirs.outputs) {
		problems = append(problems, fmt.Sprintf("the outputs table's rows are %q; want pulumi/actions' outputs, %q", named, theirs.outputs))
	}
	return problems
}

func TestPulumiActionsMigrationTable(t *testing.T) {
	t.Parallel()
	root := testenv.RepoRoot(t)
	theirs := readActionIO(t, filepath.Join("testdata", "pulumi-actions-inputs.yaml"))
	ours := readActionIO(t, filepath.Join(root, "action.yml"))
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	inputRows := markdownTable(string(readme), "pulumi/actions input")
	outputRows := markdownTable(string(readme), "pulumi/actions output")
	for _, p := range migrationProblems(theirs, ours, inputRows, outputRows) {
		t.Error("README, Coming from pulumi/actions: " + p)
	}

	// The same check fails on tables that lie.
	broken := []struct {
		name   string
		mutate func(rows []map[string]string) []map[string]string
		want   string
	}{
		{"a row missing", func(rows []map[string]string) []map[string]string { return rows[1:] }, "want pulumi/actions' inputs in its order"},
		{"same with a different default", func(rows []map[string]string) []map[string]string {
			return setRow(rows, "remove", "status", "same")
		}, `remove: status "same"`},
		{"a prenv input action.yml lacks", func(rows []map[string]string) []map[string]string {
			return setRow(rows, "parallel", "prenv input", "parallelism")
		}, "names prenv input parallelism, which action.yml lacks"},
		{"a stale default", func(rows []map[string]string) []map[string]string {
			return setRow(rows, "comment-on-pr", "prenv's default", "false")
		}, `prenv's default is "true" in action.yml`},
		{"an input hidden as unsupported", func(rows []map[string]string) []map[string]string {
			return setRow(setRow(rows, "message", "prenv input", ""), "message", "status", "not supported")
		}, "action.yml has an input of that name"},
	}
	for _, tc := range broken {
		got := migrationProblems(theirs, ours, tc.mutate(cloneRows(inputRows)), outputRows)
		if !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, tc.want) }) {
			t.Errorf("%s: problems %q; want one containing %q", tc.name, got, tc.want)
		}
	}
}

func cloneRows(rows []map[string]string) []map[string]string {
	out := make([]map[string]string, len(rows))
	for i, r := range rows {
		out[i] = map[string]string{}
		for k, v := range r {
			out[i][k] = v
		}
	}
	return out
}

func setRow(rows []map[string]string, input, column, value string) []map[string]string {
	for _, r := range rows {
		if r["pulumi/actions input"] == input {
			r[column] = value
		}
	}
	return rows
}
