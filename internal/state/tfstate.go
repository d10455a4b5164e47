package state

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/prenv/prenv/automation"
)

// parseTerraformState reads a workspace's state file, Terraform's JSON
// state: its resources and the outputs that hold prenv's lifetime, named
// with "__" for the ":" Terraform does not allow (prenv__created-at). An
// empty file is a workspace created and never applied.
func parseTerraformState(name string, data []byte) (Stack, error) {
	s := Stack{Name: name}
	if len(data) == 0 {
		return s, nil
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
		return Stack{}, err
	}
	for _, r := range raw.Resources {
		if r.Mode == "managed" {
			s.ResourceCount += len(r.Instances)
		}
	}
	output := func(key string) string {
		v, _ := raw.Outputs[strings.ReplaceAll(key, ":", "__")].Value.(string)
		return v
	}
	s.CreatedAt, _ = time.Parse(time.RFC3339, output(automation.OutputCreatedAt))
	s.ExpiresAt, _ = time.Parse(time.RFC3339, output(automation.OutputExpiresAt))
	s.Repo = output(automation.OutputRepo)
	s.URL = output("url")
	return s, nil
}
