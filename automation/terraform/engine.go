package terraform

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/state"
	"github.com/prenv/prenv/stacks"
)

// VarsFunc returns the module variables of one environment, besides the
// standard ones every prenv module gets (see Config).
type VarsFunc func(ctx context.Context, env stacks.Env) (map[string]any, error)

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
	// BackendURL is where the project's workspaces live, each in
	// terraform/<project>/<workspace>/terraform.tfstate under its root: a
	// file://<dir> (Terraform's local backend) or an s3://<bucket>[/<dir>]
	// with the parameters pulumi takes (Terraform's s3 backend, locked by
	// its own lock files, which needs terraform or OpenTofu S3Version).
	BackendURL string
	Binary     string // the terraform (or tofu) CLI, from Find
	Module     fs.FS  // the root module: its *.tf files at the top
	Vars       VarsFunc
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
	backend backend                 // how Terraform is configured for the backend, and its locks
	state   *state.TerraformBackend // the workspaces' state, read without terraform runs
}

var _ automation.Engine = (*Engine)(nil)

// New checks cfg and the terraform binary and returns the engine.
func New(ctx context.Context, cfg Config) (*Engine, error) {
	if cfg.Project == "" || cfg.BackendURL == "" || cfg.Module == nil {
		return nil, errors.New("terraform: Config needs Project, BackendURL and Module")
	}
	if _, err := fs.Stat(cfg.Module, "main.tf"); err != nil {
		return nil, fmt.Errorf("the Terraform module has no main.tf (%v): point the engine at a module directory", err)
	}
	found, err := checkVersion(ctx, cfg.Binary)
	if err != nil {
		return nil, err
	}
	be, st, err := openBackend(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if need := be.minVersion(); found.LT(need) {
		st.Close()
		return nil, fmt.Errorf("terraform %s at %s cannot lock state in an %s backend, which needs %s or later (use_lockfile): upgrade it, or set PRENV_TERRAFORM to a newer one",
			found, cfg.Binary, be.name(), need)
	}
	return &Engine{cfg: cfg, version: "v" + found.String(), backend: be, state: st}, nil
}

// Version is the terraform CLI's version, as New checked it.
func (t *Engine) Version() string { return t.version }

// hostname is this machine's name as Terraform records it in lock files.
func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return ""
	}
	return h
}
