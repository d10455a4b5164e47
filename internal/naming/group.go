package naming

import (
	"fmt"
	"strings"
)

// GroupPrefix starts the environment and stack name of every PR group.
const GroupPrefix = "grp-"

// MaxGroupName is the longest group name: grp-<name> stays one RFC 1123
// label, a namespace's and a DNS label's limit.
const MaxGroupName = 63 - len(GroupPrefix)

// ValidateGroup reports whether name can name a PR group: a DNS label of
// lowercase letters, digits and hyphens, as typed by a user or read from a
// pull request's body, so it never reaches a name unchecked.
func ValidateGroup(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("group name is empty: name the group, for example prenv group up checkout --pr 12")
	case len(name) > MaxGroupName:
		return fmt.Errorf("group name %q is %d characters, over the limit of %d: use a shorter name", name, len(name), MaxGroupName)
	case !labelLimit.pattern.MatchString(name):
		return fmt.Errorf("group name %q is not a DNS label: use lowercase letters, digits and hyphens, starting and ending with a letter or digit", name)
	}
	return nil
}

// ForGroup returns the names of PR group name's environment in project:
// grp-<name> for its stack, namespace and host. A group holds only routes,
// so it has no database, role or RDS identifier.
func ForGroup(project, name string) (Names, error) {
	if err := ValidateProject(project); err != nil {
		return Names{}, err
	}
	if err := ValidateGroup(name); err != nil {
		return Names{}, err
	}
	env := GroupPrefix + name
	return Names{Name: env, Stack: env, Namespace: env, DNSLabel: env}, nil
}

// GroupFromEnv returns the group name of an environment or stack named
// grp-<name>, and false for any other name.
func GroupFromEnv(env string) (string, bool) {
	name, ok := strings.CutPrefix(env, GroupPrefix)
	if !ok || ValidateGroup(name) != nil {
		return "", false
	}
	return name, true
}

// IsGroup reports whether n names a PR group's environment.
func (n Names) IsGroup() bool {
	_, ok := GroupFromEnv(n.Name)
	return ok
}
