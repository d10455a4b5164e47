package cli

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/stacks"
	awstarget "github.com/prenv/prenv/stacks/aws"
)

// renderFlags are prenv render's own flags.
type renderFlags struct {
	source string
	mode   string
	output string
}

func (a *App) renderCommand() *cobra.Command {
	f, r := &envFlags{}, &renderFlags{}
	cmd := &cobra.Command{
		Use:   "render",
		Short: "Print what an environment would create, offline (aws target)",
		Long: "render runs the aws target's program under Pulumi's mocks, with no credentials, cluster or plugins, like helm template. " +
			"It prints the Kubernetes objects as one YAML stream, ready for kubectl apply --dry-run=server, preceded by the AWS resources " +
			"as a commented table of type, name and key inputs. It then judges the rendering with the policy, as up does, " +
			"printing one line per violation and failing if there is any. Secrets and what only the cloud knows are placeholders.",
		Example: "  prenv render --blueprint examples/aws/prenv.yaml --pr 1\n" +
			"  prenv render --pr 1 --database-source aurora-clone --routing-mode sandbox --output table\n" +
			"  prenv render --pr 1 --output manifests | kubectl apply --dry-run=server -f -",
		Args: exactArgs(0),
	}
	fs := cmd.Flags()
	fs.StringVar(&f.pr, "pr", "", "pull request number of the environment")
	fs.StringVar(&f.env, "env", "", "environment name: pr-<n> or baseline (instead of --pr)")
	fs.StringVar(&f.blueprint, "blueprint", "prenv.yaml", "path of the blueprint")
	fs.StringVar(&f.repo, "repo", "", "owner/name of the repository (default $GITHUB_REPOSITORY or the git remote)")
	fs.StringVar(&f.base, "base", "", "git ref the PR is compared with (default $PRENV_BASE_REF, else the origin's default branch: origin/HEAD, origin/main or origin/master)")
	fs.StringVar(&r.source, "database-source", "", "render with this database.source instead of the blueprint's: rds-snapshot, aurora-clone, ebs-snapshot or shared-instance")
	fs.StringVar(&r.mode, "routing-mode", "", "render with this routing.mode instead of the blueprint's: isolated or sandbox")
	fs.StringVar(&r.output, "output", "all", "what to print: all (the table as YAML comments, then the manifests), manifests or table")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return a.render(cmd.Context(), f, r) }
	return cmd
}

// render is prenv render.
func (a *App) render(ctx context.Context, f *envFlags, r *renderFlags) error {
	o := f.options(true)
	o.Render, o.Adjust = true, r.apply
	s, err := a.host().Open(ctx, o)
	if err != nil {
		return err
	}
	bp, env := s.Blueprint, s.Env
	if env.SHA == "" {
		return usage(fmt.Errorf("no commit SHA to tag the images with: run inside the repository's git checkout or set GITHUB_SHA"))
	}
	if env.Repo == "" {
		// A rendering may leave it empty; up and preview refuse to.
		a.notice("warning: no repository, so prenv:repo and prenv.dev/repo are empty in this rendering and up would refuse it: pass --repo owner/name, or run in a git checkout whose origin is on GitHub")
	}
	rendering, err := awstarget.Render(bp, env, s.Target.(awstarget.Target))
	if err != nil {
		return err
	}
	if err := r.print(a, rendering); err != nil {
		return err
	}
	violations, err := rendering.Violations(ctx, bp)
	if err != nil {
		return usage(err)
	}
	for _, v := range violations {
		fmt.Fprintln(a.Stderr, "prenv: "+v.String())
	}
	if len(violations) > 0 {
		return fmt.Errorf("%s breaks %d policy rules: up would refuse it", env.Name, len(violations))
	}
	return nil
}

// apply puts the flags' source and mode into the blueprint.
func (r *renderFlags) apply(bp *stacks.Blueprint) error {
	if bp.Target != stacks.TargetAWS {
		return errNotAWS("render", bp)
	}
	if r.source != "" {
		if !slices.Contains(awstarget.Sources, r.source) {
			return usage(fmt.Errorf("--database-source %q is not an aws source: use %s", r.source, strings.Join(awstarget.Sources, ", ")))
		}
		if !bp.HasDatabase() {
			return usage(fmt.Errorf("--database-source: %s has no database section, so its environments have no database to render: add one with database.golden, or drop the flag", bp.Path()))
		}
		bp.Database.Source = r.source
	}
	if r.mode != "" {
		mode := stacks.RoutingMode(r.mode)
		if mode != stacks.RoutingIsolated && mode != stacks.RoutingSandbox {
			return usage(fmt.Errorf("--routing-mode %q is not a mode: use isolated or sandbox", r.mode))
		}
		bp.Routing.Mode = mode
	}
	if !slices.Contains([]string{"all", "manifests", "table"}, r.output) {
		return usage(fmt.Errorf("--output %q is not known: use all, manifests or table", r.output))
	}
	return nil
}

func (r *renderFlags) print(a *App, rendering *awstarget.Rendering) error {
	switch r.output {
	case "manifests":
		return rendering.WriteManifests(a.Stdout)
	case "table":
		return rendering.WriteTable(a.Stdout)
	}
	var table bytes.Buffer
	if err := rendering.WriteTable(&table); err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimRight(table.String(), "\n"), "\n") {
		fmt.Fprintln(a.Stdout, strings.TrimRight("# "+line, " "))
	}
	return rendering.WriteManifests(a.Stdout)
}

// errNotAWS refuses a command that only the aws target has.
func errNotAWS(cmd string, bp *stacks.Blueprint) error {
	return usage(fmt.Errorf("%s shows the aws target's resources, and %s has target: %s; set target: aws (see examples/aws/prenv.yaml)", cmd, bp.Path(), bp.Target))
}
