package stacks

import (
	"slices"
	"strings"
)

// SecretEnv names the variables of prenv's own environment that the
// processes it starts for an environment (services, migration commands,
// the Action's test-command) never inherit: the run's credentials, which
// such a process could print into a log or a comment.
var SecretEnv = []string{
	"GITHUB_TOKEN", "ACTIONS_RUNTIME_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL",
	"PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE", "PULUMI_ACCESS_TOKEN",
	"PRENV_POSTGRES_URL", DefaultSaltEnv,
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
}

// InheritedEnv is environ (KEY=value lines) without SecretEnv, the names
// in also, and the Action's inputs (INPUT_*, which hold its token).
func InheritedEnv(environ []string, also ...string) []string {
	var env []string
	for _, e := range environ {
		name, _, _ := strings.Cut(e, "=")
		if !slices.Contains(SecretEnv, name) && !slices.Contains(also, name) && !strings.HasPrefix(name, "INPUT_") {
			env = append(env, e)
		}
	}
	return env
}
