package aws

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/prenv/prenv/internal/checkout"
	"github.com/prenv/prenv/stacks"
)

// Prepare gathers what the aws target needs beyond the blueprint: in
// sandbox mode the PR's changed files, the base commit that scopes the
// anonymisation to the PR's migrations, the salt, and the stub services'
// mappings (refusing any prenv cannot serve, or too big for a ConfigMap).
// It touches nothing in the cloud: aws.cluster's EKS cluster is described
// when first needed.
func Prepare(ctx context.Context, bp *stacks.Blueprint, s stacks.Setup) (stacks.Target, error) {
	t := Target{Changed: s.Changed, kubeconfigEnv: s.Getenv("KUBECONFIG"), cluster: newEKSCluster(bp, s)}
	if s.Program { // only the program's anonymisation Job uses the salt, only it the stubs' mappings
		var err error
		if t.Stubs, err = loadStubs(bp); err != nil {
			return nil, err
		}
		if t.Salt, err = s.Salt(); err != nil {
			return nil, err
		}
		if bp.HasDatabase() && bp.Database.Source == SharedInstance {
			name := bp.AWS.SharedInstancePassEnv
			if t.SharedInstancePassword = s.Getenv(name); t.SharedInstancePassword == "" {
				return nil, stacks.Input(fmt.Errorf("database.source %s needs the password of %s on %s: set %s (aws.shared-instance-password-env)", SharedInstance, bp.AWS.MasterUsername, bp.AWS.SharedInstance, name))
			}
		}
	}
	if s.Env.PR != 0 && s.Program {
		base := "the base branch (none found)"
		if s.Base != "" {
			base, t.BaseSHA = s.Base, checkout.MergeBase(ctx, bp.AbsDir(), s.Base)
		}
		if t.BaseSHA == "" && len(bp.Database.Anonymize.Rules) > 0 && bp.Database.Anonymize.Scope == "migrations" && s.Notices != nil {
			fmt.Fprintf(s.Notices, "prenv: no merge base with %s: the anonymisation Job covers every table with rules; pass --base REF to scope it to the PR's migrations\n", base)
		}
	}
	return t, nil
}

// ErrNoRepo refuses an up or preview that knows no repository: every AWS
// resource's prenv:repo tag and the namespace's prenv.dev/repo annotation
// would be empty, and the reaper tells repositories sharing a backend
// apart by them.
var ErrNoRepo = stacks.Input(errors.New("no repository to tag the aws resources with (prenv:repo, prenv.dev/repo): pass --repo owner/name, or run in a git checkout whose origin is on GitHub"))

// Check implements stacks.Checker: a repository to record, the policy,
// judged on the same rendering prenv render prints, and what the blueprint
// names in AWS (cloudCheck), before up or preview on any engine.
func (t Target) Check(ctx context.Context, bp *stacks.Blueprint, env stacks.Env) error {
	if env.Repo == "" {
		return ErrNoRepo
	}
	r, err := Render(bp, env, t)
	if err != nil {
		return err
	}
	violations, err := r.Violations(ctx, bp)
	if err != nil {
		return stacks.Input(err)
	}
	if len(violations) > 0 {
		lines := make([]string, len(violations))
		for i, v := range violations {
			lines[i] = v.String()
		}
		return stacks.Input(fmt.Errorf("%s breaks %d policy rules; nothing was changed:\n%s", env.Name, len(violations), strings.Join(lines, "\n")))
	}
	return t.cloudCheck(ctx, bp)
}

// PulumiPlugins implements stacks.PulumiPlugins: the program's pinned
// plugins, which the Pulumi engine installs before up or preview.
func (Target) PulumiPlugins() (stacks.Plugins, error) {
	return stacks.Plugins{Pinned: Plugins}, nil
}
