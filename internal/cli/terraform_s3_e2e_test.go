package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/s3blob"

	"github.com/prenv/prenv/internal/testenv"
)

// TestBinaryTerraformOnS3 keeps a team's Terraform workspaces in an S3
// bucket (moto_server): a second up while the first holds the lock waits,
// then exits 3 naming the holder; ls reads the lifetime from the bucket;
// destroy leaves nothing behind.
func TestBinaryTerraformOnS3(t *testing.T) {
	t.Parallel()
	bucket := testenv.S3(t)
	s := newSandbox(t)
	gate, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "automation", "terraform", "testdata", "tfgate", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(s.dir, "gate"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.dir, "gate", "main.tf"), gate, 0o644); err != nil {
		t.Fatal(err)
	}
	bp := "project: tfs3\nengine: terraform\ntarget: none\nttl: 2h\nterraform:\n  module: gate\n  vars:\n    run: \"1\"\n    hold: \"15\"\n    dir: " + t.TempDir() + "\n"
	if err := os.WriteFile(filepath.Join(s.dir, "prenv.yaml"), []byte(bp), 0o644); err != nil {
		t.Fatal(err)
	}
	s.extraEnv = append(s.extraEnv, "PRENV_TERRAFORM="+testenv.Terraform(t), "CI=true") // a bucket is lasting state in CI
	backend := "--backend=" + bucket.URL

	first := make(chan string, 1)
	go func() {
		_, stderr, code := s.run("up", "--pr", "1", backend)
		if code != 0 {
			first <- stderr
		}
		close(first)
	}()
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(strings.Join(bucketObjects(t, bucket.URL), " "), "terraform.tfstate.tflock") {
		if time.Now().After(deadline) {
			t.Fatal("the first up took no lock in the bucket within a minute")
		}
		time.Sleep(100 * time.Millisecond)
	}
	host, _ := os.Hostname()
	_, stderr, code := s.run("up", "--pr", "1", "--wait-for-lock", "2s", backend)
	if code != 3 || !strings.Contains(stderr, "is locked by") || !strings.Contains(stderr, "@"+host+" (pid ") || !strings.Contains(stderr, "waiting for the lock of pr-1") {
		t.Errorf("second up while the first holds the lock: exit %d, %s; want 3 naming the holder and its pid", code, stderr)
	}
	if failed, ok := <-first; ok {
		t.Fatalf("first up: %s", failed)
	}

	out, stderr, code := s.run("ls", "--json", backend)
	var listed []struct {
		Stack     string     `json:"stack"`
		ExpiresAt *time.Time `json:"expires_at"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &listed) != nil || len(listed) != 1 || listed[0].Stack != "pr-1" ||
		listed[0].ExpiresAt == nil || time.Until(*listed[0].ExpiresAt) < time.Hour {
		t.Errorf("ls: exit %d, %s\n%s; want pr-1 expiring in about 2h", code, stderr, out)
	}
	if _, stderr, code := s.run("destroy", "--pr", "1", backend); code != 0 {
		t.Fatalf("destroy: exit %d, %s", code, stderr)
	}
	// The operations' events stay, by design: prenv stats reads them.
	left := slices.DeleteFunc(bucketObjects(t, bucket.URL), func(key string) bool { return strings.HasPrefix(key, ".prenv/events/") })
	if len(left) != 0 {
		t.Errorf("objects left in the bucket after destroy, besides the events: %q", left)
	}
}

// bucketObjects lists the keys of the bucket at url.
func bucketObjects(t *testing.T, url string) []string {
	t.Helper()
	b, err := blob.OpenBucket(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var keys []string
	it := b.List(nil)
	for {
		obj, err := it.Next(t.Context())
		if err != nil {
			return keys
		}
		keys = append(keys, obj.Key)
	}
}
