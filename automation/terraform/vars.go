package terraform

import (
	"context"
	"fmt"
	"time"

	"github.com/prenv/prenv/stacks"
)

// Standard variables prenv gives every module.
const (
	VarPRNumber  = "pr_number"
	VarEnvName   = "env_name"
	VarGitSHA    = "git_sha"
	VarCreatedAt = "created_at"
	VarExpiresAt = "expires_at"
)

// vars returns the module's variables for env: the config's, then the
// standard ones, which the config may not set.
func (t *Engine) vars(ctx context.Context, env stacks.Env) (map[string]any, error) {
	vars := map[string]any{}
	if t.cfg.Vars != nil {
		extra, err := t.cfg.Vars(ctx, env)
		if err != nil {
			return nil, err
		}
		for k, v := range extra {
			vars[k] = v
		}
	}
	std := map[string]any{
		VarPRNumber:  env.PR,
		VarEnvName:   env.Name,
		VarGitSHA:    env.SHA,
		VarCreatedAt: env.CreatedAt.UTC().Format(time.RFC3339),
		VarExpiresAt: env.ExpiresAt.UTC().Format(time.RFC3339),
	}
	for k, v := range std {
		if _, ok := vars[k]; ok {
			return nil, fmt.Errorf("variable %q is one prenv sets itself: rename it in the module and its vars", k)
		}
		vars[k] = v
	}
	return vars, nil
}
