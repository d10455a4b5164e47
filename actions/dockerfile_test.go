package actions

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dockerStage is one stage of a Dockerfile: from FROM to the next FROM.
type dockerStage struct {
	Name, From   string
	Instructions []dockerInstruction
}

// dockerInstruction is one instruction, continuations joined and comment
// lines inside them dropped, as Docker reads it.
type dockerInstruction struct {
	Line int    // where it starts, from 1
	Cmd  string // upper-cased: RUN, ENV, ARG, ...
	Args string
}

// readDockerfile returns the stages of the Dockerfile at path. ARGs before
// the first FROM, which only FROM lines see, are left out.
func readDockerfile(t *testing.T, path string) []dockerStage {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		stages  []dockerStage
		pending *dockerInstruction
	)
	s := bufio.NewScanner(f)
	for n := 1; s.Scan(); n++ {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if pending == nil {
			cmd, args, _ := strings.Cut(line, " ")
			pending = &dockerInstruction{Line: n, Cmd: strings.ToUpper(cmd)}
			line = strings.TrimSpace(args)
		}
		more := strings.HasSuffix(line, `\`)
		line = strings.TrimSpace(strings.TrimSuffix(line, `\`))
		pending.Args = strings.TrimSpace(pending.Args + " " + line)
		if more {
			continue
		}
		switch in := *pending; {
		case in.Cmd == "FROM":
			image, name, _ := strings.Cut(in.Args, " ")
			_, name, _ = strings.Cut(strings.ToLower(name), "as ")
			stages = append(stages, dockerStage{Name: strings.TrimSpace(name), From: image})
		case len(stages) > 0:
			last := &stages[len(stages)-1]
			last.Instructions = append(last.Instructions, in)
		}
		pending = nil
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	if pending != nil {
		t.Fatalf("%s:%d: %s ends in a line continuation", path, pending.Line, pending.Cmd)
	}
	return stages
}

// stage returns the stage named name; "" is the last, the image itself.
func stage(t *testing.T, stages []dockerStage, name string) dockerStage {
	t.Helper()
	if len(stages) == 0 {
		t.Fatal("the Dockerfile has no FROM")
	}
	if name == "" {
		return stages[len(stages)-1]
	}
	for _, s := range stages {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("the Dockerfile has no stage %q (FROM ... AS %s)", name, name)
	return dockerStage{}
}

// runs returns the stage's RUN commands.
func (s dockerStage) runs() []dockerInstruction {
	var out []dockerInstruction
	for _, in := range s.Instructions {
		if in.Cmd == "RUN" {
			out = append(out, in)
		}
	}
	return out
}

// env is what the stage's ENV and ARG lines put in its RUN commands'
// environment, as NAME=value in order: an ARG's default unless buildArgs
// overrides it, as docker build --build-arg does. $NAME and ${NAME} are
// expanded from the names set before, then from the test's environment.
func (s dockerStage) env(t *testing.T, buildArgs map[string]string) []string {
	t.Helper()
	set := map[string]string{}
	var out []string
	expand := func(v string) string {
		return os.Expand(v, func(name string) string {
			if v, ok := set[name]; ok {
				return v
			}
			return os.Getenv(name)
		})
	}
	add := func(name, value string) {
		set[name] = value
		out = append(out, name+"="+value)
	}
	for _, in := range s.Instructions {
		switch in.Cmd {
		case "ARG":
			name, value, _ := strings.Cut(in.Args, "=")
			if v, ok := buildArgs[name]; ok {
				value = v
			}
			add(name, expand(unquote(value)))
		case "ENV":
			words := shellWords(in.Args)
			if len(words) > 0 && !strings.Contains(words[0], "=") {
				// The legacy form: ENV NAME the rest.
				name, value, _ := strings.Cut(in.Args, " ")
				add(name, expand(unquote(strings.TrimSpace(value))))
				continue
			}
			for _, w := range words {
				name, value, ok := strings.Cut(w, "=")
				if !ok {
					t.Fatalf("Dockerfile:%d: ENV %s is not NAME=value", in.Line, w)
				}
				add(name, expand(value))
			}
		}
	}
	return out
}

// shellWords splits s at spaces outside double quotes and drops the quotes.
func shellWords(s string) []string {
	var (
		words  []string
		word   strings.Builder
		quoted bool
	)
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ' ' && !quoted:
			if word.Len() > 0 {
				words = append(words, word.String())
				word.Reset()
			}
		default:
			word.WriteRune(r)
		}
	}
	if word.Len() > 0 {
		words = append(words, word.String())
	}
	return words
}

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}

// envValue returns the last value env gives name.
func envValue(env []string, name string) (string, bool) {
	value, found := "", false
	for _, kv := range env {
		if k, v, _ := strings.Cut(kv, "="); k == name {
			value, found = v, true
		}
	}
	return value, found
}

func TestReadDockerfile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "Dockerfile")
	const src = `ARG GLOBAL=1
FROM golang AS build
ENV A=1 B="two words"
# a comment
ENV LEGACY the rest of it
ARG V=dev
ARG PATHY=/x:${V}
RUN make \
    # a comment inside a continuation
    build V="${V}"
FROM debian
RUN true
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	stages := readDockerfile(t, path)
	if len(stages) != 2 || stages[0].Name != "build" || stages[0].From != "golang" || stage(t, stages, "").From != "debian" {
		t.Fatalf("stages = %+v", stages)
	}
	build := stage(t, stages, "build")
	if runs := build.runs(); len(runs) != 1 || runs[0].Args != `make build V="${V}"` || runs[0].Line != 8 {
		t.Errorf("runs = %+v; want one at line 8, continuation joined and its comment dropped", runs)
	}
	env := build.env(t, map[string]string{"V": "v9"})
	want := []string{"A=1", "B=two words", "LEGACY=the rest of it", "V=v9", "PATHY=/x:v9"}
	if strings.Join(env, "|") != strings.Join(want, "|") {
		t.Errorf("env = %q, want %q", env, want)
	}
	if _, ok := envValue(env, "GLOBAL"); ok {
		t.Error("an ARG before the first FROM leaked into a stage")
	}
}
