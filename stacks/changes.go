package stacks

import (
	"regexp"
	"strings"
)

// Changed reports whether any of files (repository-relative paths, as git
// diff --name-only prints them) matches one of the service's paths globs.
// A service with no paths is always changed: prenv cannot tell otherwise.
func (s Service) Changed(files []string) bool {
	if len(s.Paths) == 0 {
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
