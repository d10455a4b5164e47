package terraform

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"
)

// state is what prenv reads of a workspace's state file, without
// running terraform: the lifetime outputs, the URL and the resource count.
type state struct {
	exists               bool
	createdAt, expiresAt time.Time
	url                  string
	resources            int
	modified             time.Time
}

// readState reads workspace's state file from the local backend.
func (t *Engine) readState(workspace string) (state, error) {
	path := t.statePath(workspace)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return state{}, nil
	}
	if err != nil {
		return state{}, fmt.Errorf("read the state of %s: %w", workspace, err)
	}
	st := state{exists: true}
	if fi, err := os.Stat(path); err == nil {
		st.modified = fi.ModTime()
	}
	if len(data) == 0 {
		return st, nil // created, never applied
	}
	var raw struct {
		Outputs map[string]struct {
			Value any `json:"value"`
		} `json:"outputs"`
		Resources []struct {
			Mode      string            `json:"mode"`
			Instances []json.RawMessage `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return state{}, fmt.Errorf("the state of %s at %s is not Terraform state (%v): restore it from its .backup, or destroy the workspace", workspace, path, err)
	}
	for _, r := range raw.Resources {
		if r.Mode == "managed" {
			st.resources += len(r.Instances)
		}
	}
	str := func(name string) string {
		s, _ := raw.Outputs[name].Value.(string)
		return s
	}
	st.createdAt, _ = time.Parse(time.RFC3339, str("prenv__created-at"))
	st.expiresAt, _ = time.Parse(time.RFC3339, str("prenv__expires-at"))
	st.url = str("url")
	return st, nil
}
