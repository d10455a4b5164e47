package stacks

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// everyFile stands for every file in UnknownChanges' list. Neither git nor
// GitHub reports a path holding a NUL byte, so no real list holds it.
const everyFile = "\x00every file"

// UnknownChanges is the changed-files list of a PR whose changes could not
// be listed: every service counts as changed, so the PR runs its own
// instance of each rather than a baseline that may lack its change.
func UnknownChanges() []string { return []string{everyFile} }

// Changed reports whether any of files (repository-relative paths, as git
// diff --name-only prints them) matches one of the service's paths globs.
// A service with no paths is always changed: prenv cannot tell otherwise;
// so is every service when files is UnknownChanges().
func (s Service) Changed(files []string) bool {
	if len(s.Paths) == 0 || slices.Contains(files, everyFile) {
		return true
	}
	for _, f := range files {
		if s.Owns(f) {
			return true
		}
	}
	return false
}

// Owns reports whether file, a repository-relative path, matches one of
// the service's paths globs.
func (s Service) Owns(file string) bool {
	for _, glob := range s.Paths {
		if globPattern(glob).MatchString(file) {
			return true
		}
	}
	return false
}

// globPattern compiles a path glob: ** spans directories, * and ? stay
// within one.
func globPattern(glob string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(glob); i++ {
		switch c := glob[i]; {
		case c == '*' && i+1 < len(glob) && glob[i+1] == '*':
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// DefaultStubPaths gives each stub service without paths its mappings
// directory, relative to repoRoot (the checkout holding the blueprint), so
// in sandbox mode a PR that changes a stub's mappings runs its own stub
// and any other PR the baseline's. Outside a checkout (repoRoot "") or for
// mappings outside it, such a stub keeps no paths and so runs in every PR.
func (bp *Blueprint) DefaultStubPaths(repoRoot string) {
	if repoRoot == "" {
		return
	}
	root, err := filepath.EvalSymlinks(repoRoot)
	if err != nil {
		return
	}
	for i, s := range bp.Services {
		if !s.IsStub() || len(s.Paths) > 0 {
			continue
		}
		dir := bp.Resolve(s.Stub.Mappings)
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			dir = real
		}
		rel, err := filepath.Rel(root, dir)
		if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			continue
		}
		bp.Services[i].Paths = []string{filepath.ToSlash(rel) + "/**"}
	}
}
