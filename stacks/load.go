package stacks

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"

	"gopkg.in/yaml.v3"
)

// Load reads, checks and defaults the blueprint at path. Every problem is
// reported as a *FieldError naming the file, line and field; all of them
// are returned together in a *BlueprintError.
func Load(path string) (*Blueprint, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &BlueprintError{Path: path, Errs: []error{fmt.Errorf("blueprint %s not found: create it (see examples/lifecycle/prenv.yaml) or pass --blueprint PATH", path)}}
	}
	if err != nil {
		return nil, &BlueprintError{Path: path, Errs: []error{fmt.Errorf("read blueprint: %w", err)}}
	}
	return Parse(path, data)
}

// Parse checks and defaults a blueprint held in memory; name is used in
// error messages in place of a file path.
func Parse(name string, data []byte) (*Blueprint, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &BlueprintError{Path: name, Errs: []error{fmt.Errorf("%s: %v: fix the YAML syntax", name, err)}}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, &BlueprintError{Path: name, Errs: []error{fmt.Errorf("%s: the blueprint is empty: it needs at least `project: <name>`", name)}}
	}
	w := &walker{file: name, lines: map[string]int{}}
	w.value(doc.Content[0], reflect.TypeFor[Blueprint](), "")
	if len(w.errs) > 0 {
		return nil, &BlueprintError{Path: name, Errs: w.errs}
	}
	bp := &Blueprint{path: name}
	if err := doc.Content[0].Decode(bp); err != nil {
		return nil, &BlueprintError{Path: name, Errs: []error{fmt.Errorf("%s: %v", name, err)}}
	}
	bp.applyDefaults()
	if errs := bp.validate(w.locate); len(errs) > 0 {
		return nil, &BlueprintError{Path: name, Errs: errs}
	}
	return bp, nil
}

// Dir returns the directory of the blueprint file, against which its
// relative paths are resolved.
func (bp *Blueprint) Dir() string {
	if bp.path == "" {
		return "."
	}
	return filepath.Dir(bp.path)
}

// AbsDir returns the blueprint's directory as an absolute path.
func (bp *Blueprint) AbsDir() string {
	dir, err := filepath.Abs(bp.Dir())
	if err != nil {
		return bp.Dir()
	}
	return dir
}

// Resolve returns path, which the blueprint gives relative to its own
// directory, as an absolute path.
func (bp *Blueprint) Resolve(path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(bp.AbsDir(), path)
}

// walker checks a YAML tree against the blueprint's Go types, recording the
// line of every field it meets so later checks can point at it.
type walker struct {
	file  string
	lines map[string]int
	errs  []error
}

func (w *walker) fail(line int, path, format string, args ...any) {
	w.errs = append(w.errs, &FieldError{File: w.file, Line: line, Field: displayPath(path), Msg: fmt.Sprintf(format, args...)})
}

// locate returns the line of path, or of its nearest recorded parent.
func (w *walker) locate(path string) int {
	for p := path; ; p = parentPath(p) {
		if line, ok := w.lines[p]; ok || p == "" {
			return line
		}
	}
}

func (w *walker) value(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if _, seen := w.lines[path]; !seen {
		w.lines[path] = n.Line
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if t == durationType {
		if n.Kind != yaml.ScalarNode {
			w.fail(n.Line, path, "must be a duration such as 72h or 3d")
		} else if _, err := ParseDuration(n.Value); err != nil {
			w.fail(n.Line, path, "%v", err)
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		w.object(n, t, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			w.fail(n.Line, path, "must be a list")
			return
		}
		for i, item := range n.Content {
			w.value(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			w.fail(n.Line, path, "must be a mapping of names to values")
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			w.value(n.Content[i+1], t.Elem(), joinPath(path, n.Content[i].Value))
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			w.fail(n.Line, path, "must be a single value, not a list or mapping")
		}
	case reflect.Int:
		if _, err := strconv.Atoi(n.Value); n.Kind != yaml.ScalarNode || err != nil {
			w.fail(n.Line, path, "must be a whole number, got %q", n.Value)
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			w.fail(n.Line, path, "must be true or false, got %q", n.Value)
		}
	case reflect.Float64:
		if f := parseFloat(n.Value); n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") || math.IsNaN(f) || math.IsInf(f, 0) {
			w.fail(n.Line, path, "must be a number such as 0.05, got %q", n.Value)
		}
	}
}

func (w *walker) object(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind != yaml.MappingNode {
		w.fail(n.Line, path, "must be a mapping of fields")
		return
	}
	fs := fieldsOf(t)
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		sub := joinPath(path, key.Value)
		at := slices.IndexFunc(fs, func(f field) bool { return f.name == key.Value })
		switch {
		case at < 0:
			w.fail(key.Line, sub, "unknown field; allowed here: %s", fieldNames(fs))
			continue
		case seen[key.Value]:
			w.fail(key.Line, sub, "is set twice; keep one")
			continue
		}
		seen[key.Value] = true
		w.lines[sub] = key.Line
		f := fs[at]
		if f.enum != nil && val.Kind == yaml.ScalarNode && !slices.Contains(f.enum, val.Value) {
			w.fail(val.Line, sub, "%q is not allowed; use one of %s", val.Value, joinOr(f.enum))
			continue
		}
		w.value(val, t.Field(f.index).Type, sub)
	}
	for _, f := range fs {
		if f.required && !seen[f.name] {
			w.fail(n.Line, joinPath(path, f.name), "is required")
		}
	}
}

// parseFloat reads a YAML number; what is not one reads as NaN.
func parseFloat(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return f
}
