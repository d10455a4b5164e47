package session

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"

	"github.com/prenv/prenv/internal/checkout"
	"github.com/prenv/prenv/stacks"
)

// Host is the process prenv runs in, as far as a session reads it: its
// environment and where one-line notices go. Tests inject both.
type Host struct {
	Getenv  func(string) string
	Notices io.Writer
	// Warnings, when set, receives warnings (the Action annotates the
	// run with them); otherwise they are notices.
	Warnings func(msg string)
}

// Home is prenv's own directory: $PRENV_HOME or ~/.prenv.
func (h Host) Home() (string, error) {
	if d := h.Getenv("PRENV_HOME"); d != "" {
		return d, nil
	}
	d, err := os.UserHomeDir()
	if err != nil {
		return "", stacks.Input(fmt.Errorf("no home directory for prenv's state: set PRENV_HOME"))
	}
	return filepath.Join(d, ".prenv"), nil
}

// PulumiHome is where the pulumi CLI keeps its plugins.
func (h Host) PulumiHome() string {
	if d := h.Getenv("PULUMI_HOME"); d != "" {
		return d
	}
	d, err := os.UserHomeDir()
	if err != nil {
		return ".pulumi"
	}
	return filepath.Join(d, ".pulumi")
}

var repoPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)

// Repo resolves the repository: flag, GITHUB_REPOSITORY, then the git
// remote of the working directory. Outside a repository it is empty.
func (h Host) Repo(ctx context.Context, flag string) (string, error) {
	if r := FirstOf(flag, h.Getenv("GITHUB_REPOSITORY")); r != "" {
		if !repoPattern.MatchString(r) {
			return "", stacks.Input(fmt.Errorf("repository %q is not owner/name: pass --repo owner/name", r))
		}
		return r, nil
	}
	return checkout.OriginRepo(ctx, ""), nil
}

// Owner is who an environment is created for: the Actions actor, or the
// local user.
func (h Host) Owner() string {
	return FirstOf(h.Getenv("GITHUB_ACTOR"), h.Getenv("USER"))
}

// BaseRef is the git ref a PR is compared with: flag, $PRENV_BASE_REF,
// else the default branch of dir's origin (origin/HEAD, origin/main or
// origin/master).
func (h Host) BaseRef(ctx context.Context, flag, dir string) (string, error) {
	if ref := FirstOf(flag, h.Getenv("PRENV_BASE_REF")); ref != "" {
		return ref, nil
	}
	return checkout.DefaultBase(ctx, dir)
}

// notice writes one line to the notices, if any.
func (h Host) notice(msg string) {
	if h.Notices != nil {
		fmt.Fprintln(h.Notices, "prenv: "+msg)
	}
}

// FirstOf returns the first non-empty value.
func FirstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
