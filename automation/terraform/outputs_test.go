package terraform

import (
	"encoding/json"
	"testing"

	"github.com/prenv/prenv/automation"
)

func TestPrenvOutputs(t *testing.T) {
	t.Parallel()
	metas := map[string]outputMeta{
		"prenv__created-at": {Value: json.RawMessage(`"2026-11-21T10:00:00Z"`)},
		"url__":             {Value: json.RawMessage(`{"web":"http://web.pr-1.localhost:7070"}`)},
		"databaseUrl":       {Value: json.RawMessage(`"postgres://u:p@h/db"`), Sensitive: true},
		"pr":                {Value: json.RawMessage(`7`)},
	}
	tests := []struct {
		name     string
		withhold bool
		want     map[string]automation.Output
	}{
		{"values", false, map[string]automation.Output{
			"prenv:created-at": {Value: "2026-11-21T10:00:00Z"},
			"url:web":          {Value: "http://web.pr-1.localhost:7070"},
			"databaseUrl":      {Value: "postgres://u:p@h/db", Secret: true},
			"pr":               {Value: float64(7)},
		}},
		{"withheld", true, map[string]automation.Output{
			"prenv:created-at": {Value: "2026-11-21T10:00:00Z"},
			"url:web":          {Value: "http://web.pr-1.localhost:7070"},
			"databaseUrl":      {Value: automation.SecretPlaceholder, Secret: true},
			"pr":               {Value: float64(7)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := prenvOutputs(metas, tt.withhold)
			if len(got) != len(tt.want) {
				t.Fatalf("prenvOutputs = %v, want %v", got, tt.want)
			}
			for k, w := range tt.want {
				if got[k] != w {
					t.Errorf("output %s = %+v, want %+v", k, got[k], w)
				}
			}
		})
	}
}
