package stats_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/stats"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: run go test ./internal/stats -update to write it", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what the report renders now (go test ./internal/stats -update rewrites it):\n%s", path, got)
	}
}

func report() *stats.Report {
	return stats.Compute(history(), stats.Options{Project: "shop", Since: since, Now: now, Rates: rates, Currency: "USD", Unreadable: 1})
}

func TestMarkdownGolden(t *testing.T) {
	t.Parallel()
	md := report().Markdown()
	golden(t, "report.md", []byte(md))
	for _, want := range []string{"```mermaid\nxychart-beta\n    title \"Environment-hours per day\"", "title \"Provisioning time percentiles\""} {
		if !strings.Contains(md, want) {
			t.Errorf("the markdown lacks %q", want)
		}
	}
}

func TestTextGolden(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := report().WriteText(&b); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.txt", b.Bytes())
}

// TestJSONGolden keeps the JSON object's names stable: a change to it is
// a change of FormatVersion.
func TestJSONGolden(t *testing.T) {
	t.Parallel()
	data, err := report().JSON()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json", data)
	var back stats.Report
	if err := json.Unmarshal(data, &back); err != nil || back.Version != stats.FormatVersion || back.Environments.Created != 3 {
		t.Errorf("the JSON does not read back: %+v, %v", back.Environments, err)
	}
}
