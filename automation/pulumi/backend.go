package pulumi

import (
	"fmt"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
)

// checkBackend refuses a backend URL that cannot work before pulumi is run,
// so the error names the cause instead of a CLI stack trace.
func checkBackend(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("backend %q is not a URL: use file://<dir> or s3://<bucket>", raw)
	}
	switch u.Scheme {
	case "file":
		dir := fileBackendDir(u)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("backend %s is unreachable: %v: pick a writable directory with --backend", raw, err)
		}
		probe, err := os.CreateTemp(dir, ".prenv-probe-")
		if err != nil {
			return fmt.Errorf("backend %s is not writable: %v: pick a writable directory with --backend", raw, err)
		}
		probe.Close()
		return os.Remove(probe.Name())
	case "s3", "gs", "azblob":
		return nil
	default:
		return fmt.Errorf("backend %q has an unsupported scheme: use file://<dir> or s3://<bucket>", raw)
	}
}

func fileBackendDir(u *url.URL) string {
	if u.Host != "" && u.Host != "localhost" {
		return filepath.Join(u.Host, u.Path)
	}
	return u.Path
}

// hostname is this machine's name as Pulumi records it in lock files.
func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return ""
	}
	return h
}

// username is this process's user as Pulumi records it in lock files.
func username() string {
	u, err := user.Current()
	if err != nil {
		return ""
	}
	return u.Username
}
