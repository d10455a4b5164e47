package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/checkout"
	"github.com/prenv/prenv/internal/events"
	"github.com/prenv/prenv/internal/naming"
	"github.com/prenv/prenv/stacks"
)

// Options say what a command acts on.
type Options struct {
	// Blueprint is the path of prenv.yaml.
	Blueprint string
	// Adjust, when set, changes the loaded blueprint before it is
	// validated against the run, as the Action's inputs do.
	Adjust func(*stacks.Blueprint) error
	// PR or Env names the environment; with neither, the session is for
	// the whole project (ls, reap) unless NeedEnv is set.
	PR, Env string
	// NeedEnv refuses a session without --pr or --env.
	NeedEnv bool
	// Backend overrides $PRENV_BACKEND_URL, $PULUMI_BACKEND_URL and the
	// blueprint's backend.
	Backend string
	// AllowLocalState accepts a file:// backend in CI, for self-hosted
	// runners whose disk outlives the job.
	AllowLocalState bool
	// SecretsProvider overrides the blueprint's secrets-provider:
	// passphrase, or a key service's URL such as awskms://alias/prenv.
	SecretsProvider string
	// Repo is owner/name; default $GITHUB_REPOSITORY or the git remote.
	Repo string
	// Base is the git ref a PR is compared with (default $PRENV_BASE_REF,
	// else the origin's default branch).
	Base string
	// ChangedFiles, when set, lists a sandbox-mode PR's changed files
	// without git, as the Action does from GitHub, so a shallow checkout
	// works. When it fails (or its list is incomplete) git diff against
	// Base is asked instead, and when neither answers every service counts
	// as changed (Session.ChangesUnknown) rather than the run failing.
	// Unset, git alone answers and its failure is an input error.
	ChangedFiles func(ctx context.Context) ([]string, error)
	// Program is set for up and preview: the target's program will run,
	// so the PR's changed files are read and the target's checks run.
	Program bool
	// Offline keeps the Pulumi engine from downloading plugins: a missing
	// pinned one stops up and preview, naming its install command.
	Offline bool
	// Render prepares the target for a rendering, as prenv render does:
	// like Program, but nothing on this machine is touched or created,
	// the salt is a placeholder and no engine is built.
	Render bool
	// Locate only resolves where the environment's state lives (home,
	// backend): no target is prepared and no engine is built.
	Locate bool
	// Trigger is what started the command, for the events its operations
	// record (internal/events); empty means the CLI.
	Trigger events.Trigger
	// WaitForURL, when positive, makes an up wait until the environment's
	// url output answers 2xx on the entry service's health path, for at
	// most this long (the Action's wait-for-url). An up whose URL does not
	// answer fails with a *URLError, and its event records the wait.
	WaitForURL time.Duration
	// Ephemeral is for an environment that lives only within one CI job:
	// the local target on the job's own PostgreSQL (a services: container),
	// destroyed when the job ends. It borrows nothing from a baseline
	// (stacks.Env.SelfContained), and its state may stay on the runner's
	// disk, which lasts as long as it does. Other targets are refused.
	Ephemeral bool
}

// Session is a command's resolved blueprint, environment, target and engine.
type Session struct {
	Blueprint *stacks.Blueprint
	Env       stacks.Env // zero for a project-wide session
	Target    stacks.Target
	Engine    automation.Engine
	// Changed lists the files a sandbox-mode PR changed (up and preview).
	Changed []string
	// ChangesUnknown says why Changed is stacks.UnknownChanges(): neither
	// Options.ChangedFiles nor git could list them. The caller reports it.
	ChangesUnknown string
	// Home is prenv's own directory; Backend the state backend's URL.
	Home, Backend string

	// engine is Engine before the recorder wrapped it, for the reaper's
	// own recording.
	engine   automation.Engine
	recorder *events.Recorder
}

// Open loads the blueprint, resolves the environment, prepares the target
// (and, for up and preview, runs its checks) and builds the engine.
func (h Host) Open(ctx context.Context, o Options) (*Session, error) {
	bp, err := stacks.Load(o.Blueprint)
	if err != nil {
		return nil, stacks.Input(err)
	}
	if o.Adjust != nil {
		if err := o.Adjust(bp); err != nil {
			return nil, stacks.Input(err)
		}
	}
	if o.SecretsProvider != "" {
		if err := stacks.CheckSecretsProvider(o.SecretsProvider); err != nil {
			return nil, stacks.Input(err)
		}
		bp.SecretsProvider = o.SecretsProvider
	}
	defaultStubPaths(ctx, bp)
	if o.Ephemeral && bp.Target != stacks.TargetLocal {
		return nil, stacks.Input(fmt.Errorf("ephemeral is for the local target, whose environment can live within one job; a %s environment outlives it: drop ephemeral, or deploy to local (deploy-target: local)", bp.Target))
	}
	s := &Session{Blueprint: bp}
	if o.NeedEnv || o.PR != "" || o.Env != "" {
		if s.Env, err = h.ResolveEnv(ctx, bp, o); err != nil {
			return nil, err
		}
	}
	if o.Render {
		s.Target, err = h.prepareTarget(ctx, s, o)
		return s, err
	}
	build, ok := engines[bp.Engine]
	if !ok {
		return nil, stacks.Input(fmt.Errorf("engine %q is not available in this build: use engine: pulumi or engine: terraform", bp.Engine))
	}
	if s.Home, err = h.Home(); err != nil {
		return nil, err
	}
	if s.Backend, err = h.backend(o.Backend, bp, s.Home); err != nil {
		return nil, err
	}
	// An ephemeral environment's state needs to last no longer than the job.
	if err := h.checkLasting(s.Backend, o.AllowLocalState || o.Ephemeral); err != nil {
		return nil, err
	}
	if o.Locate {
		return s, nil
	}
	// Traversable but not listable: the postgres user must reach the
	// managed cluster inside; secrets inside keep their own 0600 modes.
	if err := os.MkdirAll(s.Home, 0o711); err != nil {
		return nil, fmt.Errorf("create prenv's directory %s: %w", s.Home, err)
	}
	if s.Target, err = h.prepareTarget(ctx, s, o); err != nil {
		return nil, err
	}
	if c, ok := s.Target.(stacks.Checker); ok && o.Program {
		if err := c.Check(ctx, bp, s.Env); err != nil {
			return nil, err
		}
	}
	if s.engine, err = build(ctx, h, s, o); err != nil {
		return nil, err
	}
	s.recorder = h.recorder(s, o)
	s.Engine = s.recorder.Wrap(s.engine)
	return s, nil
}

// defaultStubPaths gives stub services without paths their mappings
// directory in the checkout, asking git for its root only when one needs it.
func defaultStubPaths(ctx context.Context, bp *stacks.Blueprint) {
	for _, s := range bp.Services {
		if s.IsStub() && len(s.Paths) == 0 {
			bp.DefaultStubPaths(checkout.Toplevel(ctx, bp.AbsDir()))
			return
		}
	}
}

// prepareTarget readies the blueprint's target for this run.
func (h Host) prepareTarget(ctx context.Context, s *Session, o Options) (stacks.Target, error) {
	bp := s.Blueprint
	prepare, err := lookupTarget(bp.Target)
	if err != nil {
		return nil, err
	}
	program := o.Program || o.Render
	setup := stacks.Setup{Home: s.Home, Getenv: h.Getenv, Notices: h.Notices, Env: s.Env, Program: program}
	sandbox := program && bp.Routing.Mode == stacks.RoutingSandbox && s.Env.PR != 0
	if program && s.Env.PR != 0 {
		base, err := h.BaseRef(ctx, o.Base, bp.AbsDir())
		if err != nil && sandbox && o.ChangedFiles == nil {
			return nil, stacks.Input(err)
		}
		setup.Base = base // empty without one: the aws Job then covers every ruled table
	}
	if setup.Binary, err = os.Executable(); err != nil {
		return nil, err
	}
	setup.Salt = func() (string, error) { return h.Salt(bp, s.Home) }
	if o.Render { // a rendering masks the salt and touches nothing
		setup.Salt = func() (string, error) {
			if len(bp.Database.Anonymize.Rules) > 0 {
				return "rendered", nil
			}
			return "", nil
		}
	}
	if sandbox {
		if s.Changed, s.ChangesUnknown, err = h.changedFiles(ctx, o, bp.AbsDir(), setup.Base); err != nil {
			return nil, err
		}
		setup.Changed = s.Changed
	}
	return prepare(ctx, bp, setup)
}

// ResolveEnv names the environment o's --pr or --env gives, with its
// repository, commit and owner.
func (h Host) ResolveEnv(ctx context.Context, bp *stacks.Blueprint, o Options) (stacks.Env, error) {
	opts := stacks.EnvOptions{Name: o.Env, SHA: h.Getenv("GITHUB_SHA"), Owner: h.Owner()}
	switch {
	case o.PR != "" && o.Env != "":
		return stacks.Env{}, stacks.Input(errors.New("--pr and --env both name an environment: pass one of them"))
	case o.PR != "":
		pr, err := naming.ParsePR(o.PR)
		if err != nil {
			return stacks.Env{}, stacks.Input(err)
		}
		opts.PR = pr
	case o.Env == "":
		return stacks.Env{}, stacks.Input(errors.New("no environment given: pass --pr N or --env NAME"))
	}
	repo, err := h.Repo(ctx, o.Repo)
	if err != nil {
		return stacks.Env{}, err
	}
	opts.Repo = repo
	if opts.SHA == "" {
		opts.SHA = checkout.Head(ctx, "")
	}
	env, err := stacks.NewEnv(bp, opts)
	if err == nil && env.IsGroup() && (o.Program || o.Render) {
		err = fmt.Errorf("%s is a PR group, whose members its own command sets: run prenv group up %s --pr N --pr M", env.Name, env.Name[len(naming.GroupPrefix):])
	}
	env.SelfContained = o.Ephemeral
	return env, stacks.Input(err)
}
