package terraform

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// VarsFunc returns the module variables of one environment, besides the
// standard ones every prenv module gets (see Config).
type VarsFunc func(env stacks.Env) (map[string]any, error)

// Config configures the Terraform engine.
//
// Every apply gets the standard variables pr_number, env_name, git_sha,
// created_at and expires_at, plus what Vars returns. A module exports
// prenv's lifetime outputs as prenv__created-at and prenv__expires-at: in
// output names, "__" stands for the ":" that Terraform does not allow, and
// a map output whose name ends in "__" becomes one output per key
// (url__ = {web = ...} is url:web).
type Config struct {
	Project string // the blueprint's project
	// StateDir holds the project's workspaces through the local backend:
	// <StateDir>/<workspace>/terraform.tfstate.
	StateDir string
	Binary   string // the terraform (or tofu) CLI, from Find
	Module   fs.FS  // the root module: its *.tf files at the top
	Vars     VarsFunc
	// TTLFromUpdate makes each update move the expiry to now+TTL
	// (ttl-from: last-update). Otherwise the expiry counts from creation.
	TTLFromUpdate bool
	// Env is extra environment for the terraform CLI and its provisioners.
	Env map[string]string
}

// Engine is the automation.Engine that keeps each environment in one
// Terraform workspace, pr-<n>, driven through terraform-exec.
type Engine struct {
	cfg     Config
	version string
}

var _ automation.Engine = (*Engine)(nil)

// New checks cfg and the terraform binary and returns the engine.
func New(ctx context.Context, cfg Config) (*Engine, error) {
	if cfg.Project == "" || cfg.StateDir == "" || cfg.Module == nil {
		return nil, errors.New("terraform: Config needs Project, StateDir and Module")
	}
	if _, err := fs.Stat(cfg.Module, "main.tf"); err != nil {
		return nil, fmt.Errorf("the Terraform module has no main.tf (%v): point the engine at a module directory", err)
	}
	dir, err := filepath.Abs(cfg.StateDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("terraform state directory %s is unreachable: %v: pick a writable directory with --backend", dir, err)
	}
	cfg.StateDir = dir
	v, err := Check(ctx, cfg.Binary)
	if err != nil {
		return nil, err
	}
	return &Engine{cfg: cfg, version: v}, nil
}

// Version is the terraform CLI's version, as New checked it.
func (t *Engine) Version() string { return t.version }

// statePath is where the local backend keeps workspace's state.
func (t *Engine) statePath(workspace string) string {
	return filepath.Join(t.cfg.StateDir, workspace, "terraform.tfstate")
}
