package terraform

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/blang/semver"
	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/state"
)

// s3Backend keeps the workspaces in Terraform's s3 backend, in a bucket
// (or an S3-compatible store): each workspace's state is
// <dir>/terraform/<project>/<workspace>/terraform.tfstate, where <dir> is
// the backend URL's path, and Terraform locks it with a lock file beside
// it (use_lockfile), which outlives a killed run.
type s3Backend struct {
	bucket  state.S3Bucket
	project string
	state   *state.TerraformBackend
	runs    runFinder
}

func (s *s3Backend) name() string               { return "s3://" }
func (s *s3Backend) minVersion() semver.Version { return S3Version }

// workspacePrefix is the s3 backend's workspace_key_prefix: the project's
// directory under the URL's.
func (s *s3Backend) workspacePrefix() string {
	return s.bucket.Prefix + state.TerraformDir(s.project)
}

// lockPath names workspace's state as Terraform's lock records do:
// <bucket>/<key>.
func (s *s3Backend) lockPath(workspace string) string {
	return s.bucket.Name + "/" + s.workspacePrefix() + "/" + workspace + "/terraform.tfstate"
}

// backendConfigFile holds the run's s3 backend configuration, which init
// reads with -backend-config; a file, since endpoints is a map.
const backendConfigFile = ".prenv-s3.tfbackend"

// configure points the s3 backend at the bucket: key terraform.tfstate
// under workspace_key_prefix, so that every workspace, and every object
// Terraform writes, stays in the project's directory of the URL's.
func (s *s3Backend) configure(dir string) ([]tfexec.InitOption, error) {
	if err := writeOverride(dir, "s3"); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, backendConfigFile)
	if err := os.WriteFile(path, []byte(s.backendConfig()), 0o600); err != nil {
		return nil, fmt.Errorf("write the s3 backend's configuration: %w", err)
	}
	return []tfexec.InitOption{tfexec.BackendConfig(path), tfexec.Upgrade(false), tfexec.Reconfigure(true)}, nil
}

// backendConfig is the s3 backend's configuration in HCL. With an
// endpoint (MinIO, Ceph, R2, ...), the checks that only AWS passes are
// skipped: its STS, its regions, its account id, its metadata API and
// its checksums.
func (s *s3Backend) backendConfig() string {
	var b strings.Builder
	set := func(name, value string) { fmt.Fprintf(&b, "%s = %s\n", name, value) }
	set("bucket", hclString(s.bucket.Name))
	set("key", hclString("terraform.tfstate"))
	set("workspace_key_prefix", hclString(s.workspacePrefix()))
	set("use_lockfile", "true")
	if s.bucket.Region != "" {
		set("region", hclString(s.bucket.Region))
	}
	if s.bucket.Profile != "" {
		set("profile", hclString(s.bucket.Profile))
	}
	if s.bucket.PathStyle {
		set("use_path_style", "true")
	}
	if e := s.bucket.Endpoint; e != "" {
		set("endpoints", fmt.Sprintf("{ s3 = %s, sts = %s }", hclString(e), hclString(e)))
		for _, skip := range []string{"skip_credentials_validation", "skip_region_validation", "skip_requesting_account_id", "skip_metadata_api_check", "skip_s3_checksum"} {
			set(skip, "true")
		}
	}
	return b.String()
}

// hclString quotes s as an HCL string literal, with no template in it.
func hclString(s string) string {
	q := strconv.Quote(s)
	q = strings.ReplaceAll(q, "${", "$${")
	return strings.ReplaceAll(q, "%{", "%%{")
}

func (s *s3Backend) runEnv(workspace string) map[string]string {
	return runMarker(s.lockPath(workspace), time.Now())
}

// inspect reads workspace's lock file, and which run on this host holds
// it, and judges it as pulumi's locks are judged.
func (s *s3Backend) inspect(ctx context.Context, workspace string, o automation.Options) (lockView, error) {
	l, held, err := s.state.WorkspaceLock(ctx, s.project, workspace)
	if err != nil || !held {
		return lockView{}, err
	}
	v := lockView{found: true, holder: l.Holder, lock: l}
	run := s.runs.holder(s.lockPath(workspace), l.Holder)
	v.holder.PID = run.pid
	v.stale = staleReason(v.holder, run, time.Now(), o)
	return v, nil
}

// release removes the lock file, as `terraform force-unlock` would: only
// while it still records the lock inspect judged.
func (s *s3Backend) release(ctx context.Context, _ string, v lockView) error {
	return s.state.RemoveWorkspaceLock(ctx, v.lock)
}

func (s *s3Backend) pushHint(workspace, kept string) string {
	return fmt.Sprintf("download it, and push it from a directory holding the module, initialised with -backend-config=bucket=%s -backend-config=key=terraform.tfstate "+
		"-backend-config=workspace_key_prefix=%s -backend-config=use_lockfile=true (and your endpoint's settings): `terraform workspace select %s && terraform state push errored.tfstate`; then delete %s",
		s.bucket.Name, s.workspacePrefix(), workspace, kept)
}
