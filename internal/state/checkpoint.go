package state

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/encoding"

	"github.com/prenv/prenv/automation"
)

// parseCheckpoint reads a stack file: a versioned checkpoint, as plain
// JSON or gzip or zstd compressed, told apart by its first bytes as
// pulumi does.
func parseCheckpoint(name string, data []byte) (Stack, error) {
	var file struct {
		Checkpoint apitype.CheckpointV3 `json:"checkpoint"`
	}
	m := encoding.Compress(encoding.JSON, encoding.DetectCompression(data))
	if err := m.Unmarshal(data, &file); err != nil {
		return Stack{}, err
	}
	s := Stack{Name: name}
	d := file.Checkpoint.Latest
	if d == nil {
		return s, nil // created, never updated
	}
	s.LastUpdate = d.Manifest.Time
	s.ResourceCount = len(d.Resources)
	for _, res := range d.Resources {
		if res.Type != "pulumi:pulumi:Stack" || res.Parent != "" {
			continue
		}
		s.CreatedAt = outputTime(res.Outputs, automation.OutputCreatedAt)
		s.ExpiresAt = outputTime(res.Outputs, automation.OutputExpiresAt)
		s.Repo, _ = res.Outputs[automation.OutputRepo].(string)
		s.URL, _ = res.Outputs["url"].(string)
		if members, _ := res.Outputs[automation.OutputMembers].(string); members != "" {
			s.Members = strings.Split(members, ",")
		}
	}
	if sp := d.SecretsProviders; sp != nil {
		s.Salt, s.SecretsProvider, s.EncryptedKey = secretsProvider(sp.Type, sp.State)
	}
	for _, op := range d.PendingOperations {
		s.Pending = append(s.Pending, fmt.Sprintf("%s %s", op.Type, urnName(string(op.Resource.URN))))
	}
	return s, nil
}

// outputTime reads an RFC 3339 output; zero when absent or malformed.
func outputTime(outputs map[string]any, key string) time.Time {
	v, _ := outputs[key].(string)
	t, _ := time.Parse(time.RFC3339, v)
	return t
}

// urnName is the last part of a URN, the resource's name.
func urnName(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}

// secretsProvider reads the state pulumi keeps of a stack's secrets
// provider: the passphrase's salt, or a cloud key's URL and the data key
// it encrypted, base64-encoded as a stack's settings hold it.
func secretsProvider(kind string, raw json.RawMessage) (salt, url, encryptedKey string) {
	var state struct {
		Salt         string `json:"salt"`
		URL          string `json:"url"`
		EncryptedKey []byte `json:"encryptedkey"`
	}
	if json.Unmarshal(raw, &state) != nil {
		return "", "", ""
	}
	switch kind {
	case "passphrase":
		return state.Salt, "", ""
	case "cloud":
		return "", state.URL, base64.StdEncoding.EncodeToString(state.EncryptedKey)
	}
	return "", "", ""
}
