package terraform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/blang/semver"
)

// Version is the oldest terraform (or OpenTofu) CLI prenv drives:
// the first with terraform_data and the local backend's workspace_dir that
// its modules rely on, and with import blocks for teams' own modules.
var Version = semver.MustParse("1.5.0")

// Find returns the terraform binary to use: explicit if set (from
// PRENV_TERRAFORM), else "terraform" in dirs or on PATH, else "tofu" (which
// `make tools` builds into ./bin when no terraform is installed).
func Find(explicit string, dirs ...string) (string, error) {
	if explicit != "" {
		if _, err := os.Stat(explicit); err != nil {
			return "", fmt.Errorf("PRENV_TERRAFORM=%s does not exist: point it at a terraform or tofu binary, or unset it", explicit)
		}
		return filepath.Abs(explicit)
	}
	for _, name := range []string{"terraform", "tofu"} {
		for _, d := range dirs {
			p := filepath.Join(d, name)
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
				return filepath.Abs(p)
			}
		}
		if p, err := exec.LookPath(name); err == nil {
			return filepath.Abs(p)
		}
	}
	return "", errors.New("neither terraform nor tofu found in PRENV_TERRAFORM, ./bin or PATH: install terraform >= " +
		Version.String() + ", or run `make tools` to build OpenTofu into ./bin")
}

// S3Version is the oldest terraform (or OpenTofu) CLI that locks state
// in an S3 bucket by itself, with a lock file beside it (use_lockfile),
// without a DynamoDB table.
var S3Version = semver.MustParse("1.10.0")

// Check runs the binary at path and returns its version, or an
// error naming the version found and the version needed.
func Check(ctx context.Context, path string) (string, error) {
	v, err := checkVersion(ctx, path)
	if err != nil {
		return "", err
	}
	return "v" + v.String(), nil
}

func checkVersion(ctx context.Context, path string) (semver.Version, error) {
	if path == "" {
		return semver.Version{}, errors.New("no terraform binary given: use terraform.Find, or run `make tools`")
	}
	out, err := exec.CommandContext(ctx, path, "version", "-json").Output()
	if err != nil {
		return semver.Version{}, fmt.Errorf("%s does not run as terraform (%v): install terraform >= %s or set PRENV_TERRAFORM", path, err, Version)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil || v.Version == "" {
		return semver.Version{}, fmt.Errorf("%s does not report a terraform version (%q): install terraform >= %s or set PRENV_TERRAFORM", path, out, Version)
	}
	found, err := semver.ParseTolerant(v.Version)
	if err != nil {
		return semver.Version{}, fmt.Errorf("%s reports version %q, which is not a release: install terraform >= %s", path, v.Version, Version)
	}
	if found.LT(Version) {
		return semver.Version{}, fmt.Errorf("terraform %s at %s is older than %s that prenv needs: upgrade it, or set PRENV_TERRAFORM to a newer one", found, path, Version)
	}
	return found, nil
}
