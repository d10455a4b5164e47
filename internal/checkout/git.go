package checkout

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// output runs a read-only git command in dir and returns its trimmed
// output, or "" if git or the repository is missing.
func output(ctx context.Context, dir string, args ...string) string {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// Toplevel is the root of the checkout holding dir, or "" outside one.
func Toplevel(ctx context.Context, dir string) string {
	return output(ctx, dir, "rev-parse", "--show-toplevel")
}

// Head is the commit checked out in dir, or "" outside a checkout.
func Head(ctx context.Context, dir string) string {
	return output(ctx, dir, "rev-parse", "HEAD")
}

// MergeBase is the commit where HEAD in dir left base, or "" when there is
// none (base missing, or a shallow clone).
func MergeBase(ctx context.Context, dir, base string) string {
	return output(ctx, dir, "merge-base", base, "HEAD")
}

var remotePattern = regexp.MustCompile(`[:/]([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(\.git)?/?$`)

// OriginRepo is the owner/name of dir's origin remote, or "" when it has
// none that looks like one.
func OriginRepo(ctx context.Context, dir string) string {
	if m := remotePattern.FindStringSubmatch(output(ctx, dir, "remote", "get-url", "origin")); m != nil {
		return m[1] + "/" + m[2]
	}
	return ""
}

// ErrNotCheckout is returned by ChangedFiles outside a git checkout.
type ErrNotCheckout struct{ Dir string }

func (e *ErrNotCheckout) Error() string {
	return fmt.Sprintf("sandbox mode needs the blueprint in a git checkout to find changed services: %s is not one", e.Dir)
}

// ChangedFiles lists the files the checkout in dir changed against base,
// uncommitted changes included, as repository-relative paths.
func ChangedFiles(ctx context.Context, dir, base string) ([]string, error) {
	if output(ctx, dir, "rev-parse", "--show-toplevel") == "" {
		return nil, &ErrNotCheckout{Dir: dir}
	}
	cmd := exec.CommandContext(ctx, "git", "diff", "--name-only", "--merge-base", base, "--")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git diff against %s failed (%v): pass --base REF or set PRENV_BASE_REF to the PR's base branch", base, err)
	}
	var files []string
	for _, f := range strings.Split(string(out), "\n") {
		if f != "" {
			files = append(files, f)
		}
	}
	return files, nil
}

// DefaultBase is the branch a PR is compared with when none is given: the
// remote's default branch (origin/HEAD), else origin/main, else
// origin/master. The error names what was tried.
func DefaultBase(ctx context.Context, dir string) (string, error) {
	if head := output(ctx, dir, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"); head != "" {
		return head, nil
	}
	for _, ref := range []string{"origin/main", "origin/master"} {
		if output(ctx, dir, "rev-parse", "--verify", "--quiet", ref+"^{commit}") != "" {
			return ref, nil
		}
	}
	return "", fmt.Errorf("no base branch to compare the PR with: tried origin/HEAD, origin/main and origin/master in %s; pass --base REF or set PRENV_BASE_REF", dir)
}

// ChangedMigrations lists the SQL up-migrations in dir (a directory of a
// checkout) that were added or modified between the refs base and head,
// as absolute paths.
func ChangedMigrations(ctx context.Context, dir, base, head string) ([]string, error) {
	cmd := exec.CommandContext(ctx, "git", "diff", "--name-only", "--no-renames", "-z", "--diff-filter=AM", base, head, "--", ".")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git diff %s %s in %s failed (%v): pass refs that exist in this checkout", base, head, dir, err)
	}
	root := output(ctx, dir, "rev-parse", "--show-toplevel")
	if root == "" {
		return nil, fmt.Errorf("%s is not in a git checkout: scope migrations compares git refs", dir)
	}
	var files []string
	for _, name := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		if strings.HasSuffix(name, ".sql") && !strings.HasSuffix(name, ".down.sql") {
			files = append(files, filepath.Join(root, name))
		}
	}
	return files, nil
}
