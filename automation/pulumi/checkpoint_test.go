package pulumi

import (
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestReadCheckpoint(t *testing.T) {
	t.Parallel()
	p := &Engine{cfg: Config{Project: "shop", BackendURL: "file://" + mustAbs(t, "testdata/state")}}
	cp, ok, err := p.readCheckpoint("pr-9")
	if err != nil || !ok {
		t.Fatalf("readCheckpoint = %v, %v", ok, err)
	}
	if !cp.exists || !cp.createdAt.Equal(time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)) || cp.salt != "v1:abc=:v1:def:ghi" {
		t.Errorf("checkpoint = %+v", cp)
	}
	if want := []string{"creating db"}; !slices.Equal(cp.pending, want) {
		t.Errorf("pending = %q, want %q", cp.pending, want)
	}

	missing, ok, err := p.readCheckpoint("pr-10")
	if err != nil || !ok || missing.exists {
		t.Errorf("missing stack: %+v, %v, %v; want exists=false", missing, ok, err)
	}
	s3 := &Engine{cfg: Config{Project: "shop", BackendURL: "s3://bucket"}}
	if _, ok, _ := s3.readCheckpoint("pr-9"); ok {
		t.Error("readCheckpoint claimed to read an s3 backend")
	}
}

func mustAbs(t *testing.T, path string) string {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
