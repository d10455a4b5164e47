package aws

import (
	"errors"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/internal/stub"
	"github.com/prenv/prenv/stacks"
)

// Target is the aws target, configured by the command line with what the
// blueprint cannot know: the PR's changed files and its base commit.
type Target struct {
	// Changed lists the files the PR changed, repository-relative. In
	// sandbox mode a PR environment runs only the services they touch.
	Changed []string
	// BaseSHA is the commit the PR is compared with; the anonymisation Job
	// scopes itself to the migrations changed since. Empty means every
	// table with rules.
	BaseSHA string
	// Salt keys the deterministic anonymisation; it reaches the Job through
	// a Secret, never the Job's spec.
	Salt string
	// SharedInstancePassword is aws.master-username's password on
	// aws.shared-instance (source shared-instance), read from
	// aws.shared-instance-password-env; it reaches the Job through a Secret.
	SharedInstancePassword string
	// Stubs are the stub services' mappings, by service name, which
	// Prepare loads for up, preview and render.
	Stubs map[string]*stub.Set
	// kubeconfigEnv is $KUBECONFIG, for the reaper's cluster client.
	kubeconfigEnv string
	// cluster is aws.cluster's EKS cluster; nil without one, and in a
	// rendering.
	cluster *eksCluster
}

// Name implements stacks.Target.
func (Target) Name() stacks.TargetName { return stacks.TargetAWS }

// Program implements stacks.Target. For RoutesEnv it is the routes
// stack's program.
func (t Target) Program(bp *stacks.Blueprint, env stacks.Env) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		outs, err := t.buildAny(ctx, bp, env)
		if err != nil {
			return err
		}
		for k, v := range outs {
			ctx.Export(k, v)
		}
		return nil
	}
}

// buildAny builds the routes stack or an environment, as env says.
func (t Target) buildAny(ctx *pulumi.Context, bp *stacks.Blueprint, env stacks.Env) (pulumi.Map, error) {
	if env.IsGroup() {
		return buildGroup(ctx, bp, env, t.cluster)
	}
	if env.Name != RoutesStack {
		return t.build(ctx, bp, env)
	}
	live, err := liveOf(env)
	if err != nil {
		return nil, err
	}
	groups, err := groupsOf(env)
	if err != nil {
		return nil, err
	}
	return buildRoutes(ctx, bp, live, groups, t.cluster)
}

// build creates env's resources and returns the stack outputs.
func (t Target) build(ctx *pulumi.Context, bp *stacks.Blueprint, env stacks.Env) (pulumi.Map, error) {
	if env.SHA == "" {
		return nil, errors.New("no commit SHA to tag the images with: run from a git checkout or set GITHUB_SHA")
	}
	p, err := newProviders(ctx, bp, t.cluster)
	if err != nil {
		return nil, err
	}
	e := &envBuild{ctx: ctx, bp: bp, env: env, t: t, p: p, ns: namespaceOf(bp, env)}
	if err := e.namespace(); err != nil {
		return nil, err
	}
	var db *database // nil: a stateless application, which gets none
	if bp.HasDatabase() {
		made, err := e.database()
		if err != nil {
			return nil, err
		}
		db = &made
	}
	running, err := e.services(db)
	if err != nil {
		return nil, err
	}
	if err := e.host(); err != nil {
		return nil, err
	}
	if err := e.access(); err != nil {
		return nil, err
	}
	outs := pulumi.Map{
		"url":       pulumi.String("https://" + e.hostname()),
		"namespace": pulumi.String(e.ns),
		"expiresAt": pulumi.String(env.ExpiresAt.UTC().Format(time.RFC3339)),
		"services":  pulumi.ToStringArray(running),
	}
	if db != nil {
		outs["databaseEndpoint"] = db.endpoint
	}
	return outs, nil
}

// envBuild carries one run of the program.
type envBuild struct {
	ctx *pulumi.Context
	bp  *stacks.Blueprint
	env stacks.Env
	t   Target
	p   providers
	ns  string // the namespace's name
	// nsRes is the namespace; every namespaced object depends on it.
	nsRes pulumi.Resource
}

// k8s returns the options of a Kubernetes resource in the namespace.
func (e *envBuild) k8s(opts ...pulumi.ResourceOption) []pulumi.ResourceOption {
	base := []pulumi.ResourceOption{pulumi.Provider(e.p.k8s)}
	if e.nsRes != nil {
		base = append(base, pulumi.DependsOn([]pulumi.Resource{e.nsRes}))
	}
	return append(base, opts...)
}

// cloud returns the options of an AWS resource.
func (e *envBuild) cloud(opts ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{pulumi.Provider(e.p.aws)}, opts...)
}

// running lists the services env runs itself: all in isolated mode but
// the shared ones, and in sandbox mode only those the PR changed. A shared
// service without an image (nor a stub) is run by the platform, not by
// the baseline.
func (t Target) running(bp *stacks.Blueprint, env stacks.Env) []stacks.Service {
	var out []stacks.Service
	for _, s := range bp.Services {
		if bp.RunsOwn(s, env, t.Changed) && (s.Image != "" || s.IsStub()) {
			out = append(out, s)
		}
	}
	return out
}
