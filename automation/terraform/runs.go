package terraform

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/proc"
)

// runVar marks every terraform run prenv starts: when it began, and the
// state it works on as Terraform's lock records name it. Terraform's S3
// lock file names its holder's user and host, not its process; on this
// host, prenv finds the process by this entry of its environment.
const runVar = "PRENV_TERRAFORM_RUN"

// runMarker is the environment entry of a run on lockPath that begins now.
func runMarker(lockPath string, now time.Time) map[string]string {
	return map[string]string{runVar: strconv.FormatInt(now.UnixNano(), 10) + " " + lockPath}
}

// runFinder finds terraform runs on this host.
type runFinder struct {
	host  string   // this host's name, as Terraform writes it in locks
	names []string // the command names terraform runs under
}

// newRunFinder finds runs of binary, or of terraform or tofu, on host.
func newRunFinder(host, binary string) runFinder {
	name := filepath.Base(binary)
	if len(name) > 15 { // the kernel keeps 15 bytes of a command's name
		name = name[:15]
	}
	return runFinder{host: host, names: []string{name, "terraform", "tofu"}}
}

// run is what runFinder found of a lock's holder on this host.
type run struct {
	here     bool // the lock was taken on this host
	pid      int  // the live run of prenv's that took it; 0 if none is left
	unmarked bool // a terraform prenv did not start works on the same state here: it may hold the lock
}

// holder finds, for a lock on lockPath held by h, the live terraform run
// on this host that took it: one prenv started for lockPath before the
// lock was taken. A run that began later is waiting for the lock, and a
// provisioner's child that outlived its terraform is no terraform.
func (f runFinder) holder(lockPath string, h automation.LockHolder) run {
	if h.Host == "" || h.Host != f.host {
		return run{}
	}
	r := run{here: true}
	for _, pid := range proc.Named(f.names...) {
		marker, ok := proc.Getenv(pid, runVar)
		if !ok {
			r.unmarked = r.unmarked || mayHold(pid, lockPath)
			continue
		}
		began, path, _ := strings.Cut(marker, " ")
		ns, err := strconv.ParseInt(began, 10, 64)
		// The lock's time and the marker's are this host's clock; a second
		// of slack keeps a run that is unsure the holder's.
		if err == nil && path == lockPath && !time.Unix(0, ns).After(h.Since.Add(time.Second)) {
			r.pid = pid
			return r
		}
	}
	return r
}

// mayHold reports whether pid, a terraform prenv did not start (one run
// by hand), may hold the lock on lockPath: the directory it runs in is
// initialised on the same S3 state, or prenv cannot tell.
func mayHold(pid int, lockPath string) bool {
	cwd, err := proc.Cwd(pid)
	if err != nil {
		return true
	}
	data := filepath.Join(cwd, ".terraform")
	if d, ok := proc.Getenv(pid, "TF_DATA_DIR"); ok && d != "" {
		data = d
		if !filepath.IsAbs(d) {
			data = filepath.Join(cwd, d)
		}
	}
	raw, err := os.ReadFile(filepath.Join(data, "terraform.tfstate")) // the backend init configured
	if errors.Is(err, fs.ErrNotExist) {
		return false // no backend: its state is its own
	}
	var init struct {
		Backend *struct {
			Type   string         `json:"type"`
			Config map[string]any `json:"config"`
		} `json:"backend"`
	}
	if err != nil || json.Unmarshal(raw, &init) != nil {
		return true
	}
	if init.Backend == nil || init.Backend.Type != "s3" {
		return false
	}
	setting := func(name, def string) string {
		if s, _ := init.Backend.Config[name].(string); s != "" {
			return s
		}
		return def
	}
	workspace := "default"
	if b, err := os.ReadFile(filepath.Join(data, "environment")); err == nil {
		workspace = strings.TrimSpace(string(b))
	}
	if w, ok := proc.Getenv(pid, "TF_WORKSPACE"); ok && w != "" {
		workspace = w
	}
	key := setting("key", "")
	if workspace != "default" { // the s3 backend's key of a workspace
		key = setting("workspace_key_prefix", "env:") + "/" + workspace + "/" + key
	}
	return setting("bucket", "")+"/"+key == lockPath
}
