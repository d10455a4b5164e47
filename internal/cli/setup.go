package cli

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/automation"
	pulumiengine "github.com/prenv/prenv/automation/pulumi"
	"github.com/prenv/prenv/internal/atomicfile"
	"github.com/prenv/prenv/internal/naming"
	"github.com/prenv/prenv/stacks"
	awstarget "github.com/prenv/prenv/stacks/aws"
	"github.com/prenv/prenv/stacks/local"
)

// session is what a command resolved from its flags and environment.
type session struct {
	bp     *stacks.Blueprint
	env    stacks.Env
	engine automation.Engine
	local  *local.Target // set for the local target
}

// home is prenv's own directory: $PRENV_HOME or ~/.prenv.
func (a *App) home() (string, error) {
	if h := a.Getenv("PRENV_HOME"); h != "" {
		return h, nil
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no home directory for prenv's state: set PRENV_HOME")
	}
	return filepath.Join(h, ".prenv"), nil
}

// open loads the blueprint and builds the engine; with withEnv it also
// resolves the environment named by --pr or --env.
func (a *App) open(ctx context.Context, f *envFlags, withEnv bool) (*session, error) {
	bp, err := stacks.Load(f.blueprint)
	if err != nil {
		return nil, usage(err)
	}
	if f.adjust != nil {
		if err := f.adjust(bp); err != nil {
			return nil, usage(err)
		}
	}
	s := &session{bp: bp}
	if withEnv {
		if s.env, err = a.resolveEnv(ctx, bp, f); err != nil {
			return nil, err
		}
	}
	if s.engine, s.local, err = a.engine(ctx, bp, f, s.env); err != nil {
		return nil, err
	}
	return s, nil
}

func (a *App) resolveEnv(ctx context.Context, bp *stacks.Blueprint, f *envFlags) (stacks.Env, error) {
	opts := stacks.EnvOptions{Name: f.env, SHA: a.Getenv("GITHUB_SHA"), Owner: a.owner()}
	switch {
	case f.pr != "" && f.env != "":
		return stacks.Env{}, usage(errors.New("--pr and --env both name an environment: pass one of them"))
	case f.pr != "":
		pr, err := naming.ParsePR(f.pr)
		if err != nil {
			return stacks.Env{}, usage(err)
		}
		opts.PR = pr
	case f.env == "":
		return stacks.Env{}, usage(errors.New("no environment given: pass --pr N or --env NAME"))
	}
	repo, err := a.repo(ctx, f.repo)
	if err != nil {
		return stacks.Env{}, err
	}
	opts.Repo = repo
	if opts.SHA == "" {
		opts.SHA = gitOutput(ctx, "rev-parse", "HEAD")
	}
	env, err := stacks.NewEnv(bp, opts)
	return env, usage(err)
}

func (a *App) engine(ctx context.Context, bp *stacks.Blueprint, f *envFlags, env stacks.Env) (automation.Engine, *local.Target, error) {
	if bp.Engine != "pulumi" && bp.Engine != "terraform" {
		return nil, nil, usage(fmt.Errorf("engine %q is not available in this build: use engine: pulumi or engine: terraform", bp.Engine))
	}
	home, err := a.home()
	if err != nil {
		return nil, nil, err
	}
	backend := firstOf(f.backend, a.Getenv("PRENV_BACKEND_URL"), a.Getenv("PULUMI_BACKEND_URL"), bp.Backend,
		"file://"+filepath.Join(home, "state"))
	backend, err = expandHome(backend)
	if err != nil {
		return nil, nil, err
	}
	// Traversable but not listable: the postgres user must reach the
	// managed cluster inside; secrets inside keep their own 0600 modes.
	if err := os.MkdirAll(home, 0o711); err != nil {
		return nil, nil, fmt.Errorf("create prenv's directory %s: %w", home, err)
	}
	targets := stacks.NewTargets(stacks.None{})
	plugins := map[string]string{}
	var lt *local.Target
	if bp.Target == "local" {
		t, err := a.localTarget(ctx, home)
		lt = &t
		if err != nil {
			return nil, nil, err
		}
		if lt.Salt, err = a.salt(bp, home); err != nil {
			return nil, nil, err
		}
		if f.diffs {
			if bp.Routing.Mode == "sandbox" && env.PR != 0 {
				if lt.Changed, err = a.changedFiles(ctx, bp, f.base); err != nil {
					return nil, nil, err
				}
			}
			if lt.Revisions, err = revisions(ctx, bp); err != nil {
				return nil, nil, err
			}
			if lt.MigrationsRevision, err = migrationsRevision(bp); err != nil {
				return nil, nil, err
			}
		}
		targets[lt.Name()] = *lt
		dir, err := pluginDir(home)
		if err != nil {
			return nil, nil, fmt.Errorf("link the local provider plugin: %w", err)
		}
		plugins[local.ProviderName] = dir
	}
	if bp.Target == "aws" && bp.Engine == "pulumi" {
		var t awstarget.Target // only up and preview run the program
		if f.diffs {
			if t, err = a.awsTarget(ctx, bp, f, env, home); err != nil {
				return nil, nil, err
			}
			if err := a.checkAWS(ctx, bp, env, t); err != nil {
				return nil, nil, err
			}
		}
		targets[t.Name()] = t
	}
	if bp.Engine == "terraform" {
		eng, err := a.terraformEngine(ctx, bp, backend, home, lt, env)
		return eng, lt, err
	}
	passphrase, err := a.passphrase(home)
	if err != nil {
		return nil, nil, err
	}
	self, _ := os.Executable()
	binary, err := pulumiengine.Find(a.Getenv("PRENV_PULUMI"), "bin", filepath.Dir(self))
	if err != nil {
		return nil, nil, err
	}
	eng, err := pulumiengine.New(ctx, pulumiengine.Config{
		PluginDirs:    plugins,
		Project:       bp.Project,
		BackendURL:    backend,
		Binary:        binary,
		Passphrase:    passphrase,
		TTLFromUpdate: bp.TTLFrom == "last-update",
		VersionCache:  filepath.Join(home, "pulumi-version"),
		Program: func(env stacks.Env) (pulumi.RunFunc, error) {
			return targets.Program(bp, env)
		},
	})
	return eng, lt, err
}

// passphrase returns PULUMI_CONFIG_PASSPHRASE, or for local use a
// generated one kept in <home>/passphrase with mode 0600.
func (a *App) passphrase(home string) (string, error) {
	if p := a.Getenv("PULUMI_CONFIG_PASSPHRASE"); p != "" {
		return p, nil
	}
	if file := a.Getenv("PULUMI_CONFIG_PASSPHRASE_FILE"); file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("read PULUMI_CONFIG_PASSPHRASE_FILE: %w", err)
		}
		return strings.TrimSpace(string(data)), nil
	}
	path := filepath.Join(home, "passphrase")
	data, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(data)), nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	if a.Getenv("CI") == "true" {
		return "", usage(errors.New("PULUMI_CONFIG_PASSPHRASE is not set: in CI, pass it from a secret so every run can open the stacks"))
	}
	buf := make([]byte, 32)
	_, _ = rand.Read(buf)
	secret := base64.RawURLEncoding.EncodeToString(buf)
	if err := os.MkdirAll(home, 0o700); err != nil {
		return "", err
	}
	if err := atomicfile.Write(path, []byte(secret+"\n"), 0o600); err != nil {
		return "", err
	}
	fmt.Fprintf(a.Stderr, "prenv: PULUMI_CONFIG_PASSPHRASE is not set; generated one for local use in %s (mode 0600)\n", path)
	return secret, nil
}

var remotePattern = regexp.MustCompile(`[:/]([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(\.git)?/?$`)

// repo resolves the repository: the flag, GITHUB_REPOSITORY, then the git
// remote. Outside a repository it is empty.
func (a *App) repo(ctx context.Context, flag string) (string, error) {
	if r := firstOf(flag, a.Getenv("GITHUB_REPOSITORY")); r != "" {
		if !regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`).MatchString(r) {
			return "", usage(fmt.Errorf("repository %q is not owner/name: pass --repo owner/name", r))
		}
		return r, nil
	}
	if m := remotePattern.FindStringSubmatch(gitOutput(ctx, "remote", "get-url", "origin")); m != nil {
		return m[1] + "/" + m[2], nil
	}
	return "", nil
}

func (a *App) owner() string {
	return firstOf(a.Getenv("GITHUB_ACTOR"), a.Getenv("USER"))
}

// gitOutput runs a read-only git command and returns its trimmed output,
// or "" if git or the repository is missing.
func gitOutput(ctx context.Context, args ...string) string {
	out, err := exec.CommandContext(ctx, "git", args...).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// expandHome expands a leading ~ in a file:// backend URL.
func expandHome(url string) (string, error) {
	rest, ok := strings.CutPrefix(url, "file://~")
	if !ok {
		return url, nil
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return "file://" + h + rest, nil
}
