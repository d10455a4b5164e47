package automation

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/prenv/prenv/stacks"
)

// VarsFunc returns the module variables of one environment, besides the
// standard ones every prenv module gets (see TerraformConfig).
type VarsFunc func(env stacks.Env) (map[string]any, error)

// TerraformConfig configures the Terraform engine.
//
// Every apply gets the standard variables pr_number, env_name, git_sha,
// created_at and expires_at, plus what Vars returns. A module exports
// prenv's lifetime outputs as prenv__created-at and prenv__expires-at: in
// output names, "__" stands for the ":" that Terraform does not allow, and
// a map output whose name ends in "__" becomes one output per key
// (url__ = {web = ...} is url:web).
type TerraformConfig struct {
	Project string // the blueprint's project
	// StateDir holds the project's workspaces through the local backend:
	// <StateDir>/<workspace>/terraform.tfstate.
	StateDir string
	Binary   string // the terraform (or tofu) CLI, from FindTerraform
	Module   fs.FS  // the root module: its *.tf files at the top
	Vars     VarsFunc
	// TTLFromUpdate makes each update move the expiry to now+TTL
	// (ttl-from: last-update). Otherwise the expiry counts from creation.
	TTLFromUpdate bool
	// Env is extra environment for the terraform CLI and its provisioners.
	Env map[string]string
}

// Terraform is the Engine that keeps each environment in one Terraform
// workspace, pr-<n>, driven through terraform-exec.
type Terraform struct {
	cfg     TerraformConfig
	version string
	host    string
}

var _ Engine = (*Terraform)(nil)

// NewTerraform checks cfg and the terraform binary and returns the engine.
func NewTerraform(ctx context.Context, cfg TerraformConfig) (*Terraform, error) {
	if cfg.Project == "" || cfg.StateDir == "" || cfg.Module == nil {
		return nil, errors.New("automation: TerraformConfig needs Project, StateDir and Module")
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
	v, err := CheckTerraform(ctx, cfg.Binary)
	if err != nil {
		return nil, err
	}
	return &Terraform{cfg: cfg, version: v, host: hostname()}, nil
}

// Version is the terraform CLI's version, as NewTerraform checked it.
func (t *Terraform) Version() string { return t.version }

// statePath is where the local backend keeps workspace's state.
func (t *Terraform) statePath(workspace string) string {
	return filepath.Join(t.cfg.StateDir, workspace, "terraform.tfstate")
}
