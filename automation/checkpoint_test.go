package automation

import (
	"slices"
	"testing"
	"time"
)

func TestReadCheckpoint(t *testing.T) {
	t.Parallel()
	p := &Pulumi{cfg: PulumiConfig{Project: "shop", BackendURL: "file://" + mustAbs(t, "testdata/state")}}
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
	s3 := &Pulumi{cfg: PulumiConfig{Project: "shop", BackendURL: "s3://bucket"}}
	if _, ok, _ := s3.readCheckpoint("pr-9"); ok {
		t.Error("readCheckpoint claimed to read an s3 backend")
	}
}
