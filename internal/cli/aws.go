package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/prenv/prenv/stacks"
	awstarget "github.com/prenv/prenv/stacks/aws"
)

// awsTarget gathers what the aws target needs beyond the blueprint: in
// sandbox mode the PR's changed files, the base commit that scopes the
// anonymisation to the PR's migrations, and the salt.
func (a *App) awsTarget(ctx context.Context, bp *stacks.Blueprint, f *envFlags, env stacks.Env, home string) (awstarget.Target, error) {
	var t awstarget.Target
	if env.PR != 0 {
		base := firstOf(f.base, a.Getenv("PRENV_BASE_REF"), "origin/main")
		t.BaseSHA = gitOutput(ctx, "-C", bp.AbsDir(), "merge-base", base, "HEAD")
		if t.BaseSHA == "" && len(bp.Database.Anonymize.Rules) > 0 && bp.Database.Anonymize.Scope == "migrations" {
			a.notice(fmt.Sprintf("no merge base with %s: the anonymisation Job covers every table with rules; pass --base REF to scope it to the PR's migrations", base))
		}
		if bp.Routing.Mode == "sandbox" {
			var err error
			if t.Changed, err = a.changedFiles(ctx, bp, f.base); err != nil {
				return t, err
			}
		}
	}
	if home == "" { // a rendering: the salt is masked anyway
		if len(bp.Database.Anonymize.Rules) > 0 {
			t.Salt = "rendered"
		}
		return t, nil
	}
	var err error
	t.Salt, err = a.salt(bp, home)
	return t, err
}

// checkAWS is what up and preview check before the aws target's program
// runs: the policy, on the same rendering prenv render prints, and the
// pinned plugins.
func (a *App) checkAWS(ctx context.Context, bp *stacks.Blueprint, env stacks.Env, t awstarget.Target) error {
	r, err := awstarget.Render(bp, env, t)
	if err != nil {
		return err
	}
	violations, err := r.Violations(ctx, bp)
	if err != nil {
		return usage(err)
	}
	if len(violations) > 0 {
		lines := make([]string, len(violations))
		for i, v := range violations {
			lines[i] = v.String()
		}
		return usage(fmt.Errorf("%s breaks %d policy rules; nothing was changed:\n%s", env.Name, len(violations), strings.Join(lines, "\n")))
	}
	return awstarget.CheckPlugins(a.pulumiHome())
}

// pulumiHome is where the pulumi CLI keeps its plugins.
func (a *App) pulumiHome() string {
	if h := a.Getenv("PULUMI_HOME"); h != "" {
		return h
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return ".pulumi"
	}
	return filepath.Join(h, ".pulumi")
}

// errNotAWS refuses a command that only the aws target has.
func errNotAWS(cmd string, bp *stacks.Blueprint) error {
	return usage(errors.New(cmd + " shows the aws target's resources, and " + bp.Path() + " has target: " + bp.Target + "; set target: aws (see examples/aws/prenv.yaml)"))
}
