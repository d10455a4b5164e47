package actions

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Runner is the Actions runner as a step sees it: inputs and state in the
// environment, outputs, state and the step summary in files, and workflow
// commands on stdout. Getenv and Stdout are injected so tests can run it
// in-process, as go-githubactions does.
type Runner struct {
	Getenv func(string) string
	Stdout io.Writer

	masked []string // every line AddMask hid, for Redact
}

// InputEnv is the variable the runner sets for input name: INPUT_ and the
// name upper-cased with spaces as underscores; hyphens stay.
func InputEnv(name string) string {
	return "INPUT_" + strings.ToUpper(strings.ReplaceAll(name, " ", "_"))
}

// Input returns input name, trimmed; "" when it is not set.
func (r *Runner) Input(name string) string {
	return strings.TrimSpace(r.Getenv(InputEnv(name)))
}

// State returns what the main step saved as name, in the post step.
func (r *Runner) State(name string) string { return r.Getenv("STATE_" + name) }

// SetOutput sets step output name to value.
func (r *Runner) SetOutput(name, value string) error {
	return r.appendFileCommand("GITHUB_OUTPUT", name, value)
}

// SaveState keeps name=value for the post step.
func (r *Runner) SaveState(name, value string) error {
	return r.appendFileCommand("GITHUB_STATE", name, value)
}

// appendFileCommand writes name and value to the file the runner names in
// variable, in the heredoc form with a random delimiter, so no value (a
// newline, a crafted "name=value") can set anything else.
func (r *Runner) appendFileCommand(variable, name, value string) error {
	path := r.Getenv(variable)
	if path == "" {
		return fmt.Errorf("%s is not set: run prenv action as a step of a GitHub Actions job", variable)
	}
	if strings.ContainsAny(name, "\r\n=") {
		return fmt.Errorf("%s: name %q holds a newline or '='", variable, name)
	}
	buf := make([]byte, 16)
	_, _ = rand.Read(buf)
	delim := "prenv_" + hex.EncodeToString(buf)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("open %s: %w", variable, err)
	}
	defer f.Close()
	if _, err := fmt.Fprintf(f, "%s<<%s\n%s\n%s\n", name, delim, value, delim); err != nil {
		return fmt.Errorf("write %s: %w", variable, err)
	}
	return nil
}

// AppendSummary adds markdown to the step summary; without a summary file
// it does nothing.
func (r *Runner) AppendSummary(markdown string) error {
	path := r.Getenv("GITHUB_STEP_SUMMARY")
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("open the step summary: %w", err)
	}
	defer f.Close()
	_, err = io.WriteString(f, markdown+"\n")
	return err
}

// AddMask hides every line of value in the rest of the job's logs.
func (r *Runner) AddMask(value string) {
	for _, line := range strings.Split(value, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			r.command("add-mask", line)
			r.masked = append(r.masked, line)
		}
	}
}

// Redact replaces in text what AddMask hid, as the runner does in logs:
// a step output is not masked by the runner within its job.
func (r *Runner) Redact(text string) string {
	if len(r.masked) == 0 {
		return text
	}
	masked := slices.Clone(r.masked)
	slices.SortFunc(masked, func(a, b string) int { return len(b) - len(a) }) // longest first
	var pairs []string
	for _, m := range masked {
		pairs = append(pairs, m, "***")
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// Notice, Warning and Error annotate the run.
func (r *Runner) Notice(msg string)  { r.command("notice", msg) }
func (r *Runner) Warning(msg string) { r.command("warning", msg) }
func (r *Runner) Error(msg string)   { r.command("error", msg) }

// Group folds the log lines that follow until EndGroup.
func (r *Runner) Group(title string) { r.command("group", title) }
func (r *Runner) EndGroup()          { fmt.Fprintln(r.Stdout, "::endgroup::") }

// command writes a workflow command, escaped as the runner expects so a
// message cannot end the command early or start another.
func (r *Runner) command(name, msg string) {
	fmt.Fprintf(r.Stdout, "::%s::%s\n", name, escapeData(msg))
}

func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}
