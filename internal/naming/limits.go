package naming

import (
	"fmt"
	"regexp"
	"strings"
)

// A limit is one system's rule for the names it accepts.
type limit struct {
	system  string
	max     int
	pattern *regexp.Regexp
	extra   func(string) bool // optional further rule; nil means none
}

var (
	// Pulumi stack names: letters, digits, '-', '_' and '.', at most 100.
	stackLimit = limit{"Pulumi stack", 100, regexp.MustCompile(`^[A-Za-z0-9_.-]+$`), nil}
	// RFC 1123 label, as Kubernetes namespaces and DNS labels require.
	labelLimit = limit{"RFC 1123 label", 63, regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`), nil}
	// PostgreSQL keeps identifiers to NAMEDATALEN-1 bytes; lowercase needs no quoting.
	pgLimit = limit{"PostgreSQL identifier", 63, regexp.MustCompile(`^[a-z_][a-z0-9_]*$`), nil}
	// RDS: a letter first, letters, digits and hyphens, no "--", no trailing hyphen.
	rdsLimit = limit{"RDS identifier", 63, regexp.MustCompile(`^[a-z][a-z0-9-]*[a-z0-9]$`), func(s string) bool {
		return !strings.Contains(s, "--")
	}}
)

func (l limit) check(field, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%s name is empty", field)
	case len(name) > l.max:
		return fmt.Errorf("%s name %q is %d characters, over the %s limit of %d", field, name, len(name), l.system, l.max)
	case !l.pattern.MatchString(name), l.extra != nil && !l.extra(name):
		return fmt.Errorf("%s name %q is not a valid %s", field, name, l.system)
	}
	return nil
}

// Check reports the first name in n that breaks its system's limits.
func (n Names) Check() error {
	for _, c := range []struct {
		field, name string
		limit       limit
	}{
		{"stack", n.Stack, stackLimit},
		{"namespace", n.Namespace, labelLimit},
		{"DNS label", n.DNSLabel, labelLimit},
		{"database", n.Database, pgLimit},
		{"role", n.Role, pgLimit},
		{"RDS", n.RDSIdentifier, rdsLimit},
	} {
		if err := c.limit.check(c.field, c.name); err != nil {
			return err
		}
	}
	return nil
}
