package pulumi

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/prenv/prenv/automation"
)

// checkpoint is what prenv reads of a stack's last state.
type checkpoint struct {
	exists    bool
	createdAt time.Time // prenv's recorded creation time of the environment
	expiresAt time.Time // prenv's recorded expiry
	url       string    // the stack's url output, if any
	repo      string    // prenv's recorded repository, if any
	salt      string    // the passphrase secrets provider's salt, if any
	pending   []string  // "<op> <resource>" of operations an interrupted run left
}

// readCheckpoint reads a stack's state straight from a file backend, which
// costs a file read instead of two pulumi runs. ok is false for backends
// it cannot read this way.
func (p *Engine) readCheckpoint(stack string) (cp checkpoint, ok bool, err error) {
	dir, ok := p.fileBackendDir()
	if !ok {
		return cp, false, nil
	}
	base := filepath.Join(dir, ".pulumi", "stacks", p.cfg.Project, stack)
	var r io.Reader
	f, err := os.Open(base + ".json")
	if errors.Is(err, os.ErrNotExist) {
		if f, err = os.Open(base + ".json.gz"); err == nil {
			defer f.Close()
			if r, err = gzip.NewReader(f); err != nil {
				return cp, true, fmt.Errorf("read state of %s: %w", stack, err)
			}
		}
	} else if err == nil {
		defer f.Close()
		r = f
	}
	if errors.Is(err, os.ErrNotExist) {
		return cp, true, nil
	}
	if err != nil {
		return cp, true, fmt.Errorf("read state of %s: %w", stack, err)
	}
	var v struct {
		Checkpoint apitype.CheckpointV3 `json:"checkpoint"`
	}
	if err := json.NewDecoder(r).Decode(&v); err != nil {
		return cp, true, fmt.Errorf("read state of %s: %w", stack, err)
	}
	cp.exists = true
	if d := v.Checkpoint.Latest; d != nil {
		for _, res := range d.Resources {
			if res.Type != "pulumi:pulumi:Stack" || res.Parent != "" {
				continue
			}
			if v, ok := res.Outputs[automation.OutputCreatedAt].(string); ok {
				cp.createdAt, _ = time.Parse(time.RFC3339, v)
			}
			if v, ok := res.Outputs[automation.OutputExpiresAt].(string); ok {
				cp.expiresAt, _ = time.Parse(time.RFC3339, v)
			}
			cp.url, _ = res.Outputs["url"].(string)
			cp.repo, _ = res.Outputs[automation.OutputRepo].(string)
		}
		if sp := d.SecretsProviders; sp != nil && sp.Type == "passphrase" {
			var state struct {
				Salt string `json:"salt"`
			}
			if json.Unmarshal(sp.State, &state) == nil {
				cp.salt = state.Salt
			}
		}
		for _, op := range d.PendingOperations {
			cp.pending = append(cp.pending, fmt.Sprintf("%s %s", op.Type, urnName(string(op.Resource.URN))))
		}
	}
	return cp, true, nil
}
