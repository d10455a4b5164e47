package eks_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/prenv/prenv/internal/eks"
)

// TestExecCredential: the JSON client-go reads from an exec plugin.
func TestExecCredential(t *testing.T) {
	t.Parallel()
	expires := time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("CET", 3600))
	data, err := eks.ExecCredential("k8s-aws-v1.abc", expires)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	status, _ := got["status"].(map[string]any)
	for k, want := range map[string]any{
		"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential",
	} {
		if got[k] != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
	if status["token"] != "k8s-aws-v1.abc" || status["expirationTimestamp"] != "2026-03-04T04:06:07Z" {
		t.Errorf("status = %v, want the token and 2026-03-04T04:06:07Z", status)
	}
}
