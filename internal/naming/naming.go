package naming

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Baseline is the name of the shared, stable environment.
const Baseline = "baseline"

// MaxPR is the largest pull request number prenv accepts. GitHub numbers
// fit in 32 bits; nine digits keep every derived name well inside its limit.
const MaxPR = 999_999_999

// Names holds every name derived for one environment.
type Names struct {
	Name          string // "pr-42" or "baseline"
	PR            int    // 0 for the baseline
	Stack         string // Pulumi stack or Terraform workspace
	Namespace     string // Kubernetes namespace (RFC 1123 label)
	Database      string // PostgreSQL database (unquoted identifier)
	Role          string // PostgreSQL login role (unquoted identifier)
	DNSLabel      string // leftmost label of the environment's host
	RDSIdentifier string // RDS instance or Aurora cluster identifier
}

var projectPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,28}[a-z0-9]$`)

// ValidateProject reports whether project can prefix every derived name.
func ValidateProject(project string) error {
	if !projectPattern.MatchString(project) || strings.Contains(project, "--") {
		return fmt.Errorf("project %q is not a valid name: use 2-30 lowercase letters, digits and single hyphens, starting with a letter", project)
	}
	return nil
}

// ForPR returns the names of pull request pr's environment in project.
func ForPR(project string, pr int) (Names, error) {
	if pr < 1 || pr > MaxPR {
		return Names{}, fmt.Errorf("PR number %d is out of range: use a pull request number from 1 to %d", pr, MaxPR)
	}
	return derive(project, fmt.Sprintf("pr-%d", pr), pr)
}

// ForBaseline returns the names of project's shared baseline environment.
func ForBaseline(project string) (Names, error) {
	return derive(project, Baseline, 0)
}

// ForEnv returns the names of the environment called env ("pr-<n>",
// "grp-<name>" or "baseline") in project.
func ForEnv(project, env string) (Names, error) {
	if env == Baseline {
		return ForBaseline(project)
	}
	if group, ok := strings.CutPrefix(env, GroupPrefix); ok {
		return ForGroup(project, group)
	}
	pr, ok := PRFromEnv(env)
	if !ok {
		return Names{}, fmt.Errorf("environment %q is not a prenv name: use pr-<number>, %s<group> or %s", env, GroupPrefix, Baseline)
	}
	return ForPR(project, pr)
}

func derive(project, env string, pr int) (Names, error) {
	if err := ValidateProject(project); err != nil {
		return Names{}, err
	}
	snake := strings.ReplaceAll(project+"_"+env, "-", "_")
	n := Names{
		Name:          env,
		PR:            pr,
		Stack:         env,
		Namespace:     env,
		Database:      "prenv_" + snake,
		Role:          "prenv_" + snake,
		DNSLabel:      env,
		RDSIdentifier: "prenv-" + project + "-" + env,
	}
	return n, n.Check()
}

// ParsePR parses a pull request number given on a command line or in an
// Action input.
func ParsePR(s string) (int, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("PR number %q is not a number: pass the pull request number, for example --pr 42", s)
	}
	if n < 1 || n > MaxPR {
		return 0, fmt.Errorf("PR number %d is out of range: use a pull request number from 1 to %d", n, MaxPR)
	}
	return n, nil
}

// PRFromEnv returns the PR number of an environment or stack named
// "pr-<n>", and false for any other name, including non-canonical forms
// such as "pr-007" that prenv never creates.
func PRFromEnv(name string) (int, bool) {
	digits, ok := strings.CutPrefix(name, "pr-")
	if !ok || digits == "" || digits[0] == '0' || len(digits) > 9 {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 1 || strconv.Itoa(n) != digits {
		return 0, false
	}
	return n, true
}
