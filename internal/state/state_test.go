package state_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob"

	"github.com/prenv/prenv/internal/state"
	"github.com/prenv/prenv/internal/testenv"
)

// fixture is a diy backend written by hand: project shop's stacks pr-9
// (plain JSON, a pending operation, a lock), pr-11 (gzip, every lifetime
// output, a KMS key's secrets, a lock file its writer was killed writing)
// and pr-12 (created, never updated), with a .bak and another project's
// stack and lock.
const fixture = "testdata/backend"

// backends are the kinds of backend every test runs on: a file:// one,
// and under go test without -short an s3:// bucket on moto_server.
var backends = []struct {
	name string
	// seed copies the fixture into a fresh backend and returns its URL.
	seed func(t *testing.T) string
}{
	{"file", func(t *testing.T) string {
		dir := t.TempDir()
		if err := os.CopyFS(dir, os.DirFS(fixture)); err != nil {
			t.Fatal(err)
		}
		return "file://" + dir
	}},
	{"s3", func(t *testing.T) string {
		b := testenv.S3(t)
		seedBucket(t, b.URL, "")
		return b.URL
	}},
}

// seedBucket writes the fixture into the bucket at url, under prefix.
func seedBucket(t *testing.T, url, prefix string) {
	t.Helper()
	seedBucketFrom(t, fixture, url, prefix)
}

// seedBucketFrom writes the files of directory fixture into the bucket at
// url, under prefix.
func seedBucketFrom(t *testing.T, fixture, url, prefix string) {
	t.Helper()
	bucket, err := blob.OpenBucket(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer bucket.Close()
	err = filepath.WalkDir(fixture, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(fixture, path)
		return bucket.WriteAll(t.Context(), prefix+filepath.ToSlash(rel), data, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func open(t *testing.T, url string) *state.Backend {
	t.Helper()
	b, err := state.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func day(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, time.UTC) }

func TestStacks(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			b := open(t, be.seed(t))
			stacks, err := b.Stacks(t.Context(), "shop")
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range stacks {
				names = append(names, s.Name)
			}
			if want := []string{"pr-11", "pr-12", "pr-9"}; !slices.Equal(names, want) {
				t.Fatalf("Stacks = %q, want %q (no .bak, no other project)", names, want)
			}
			pr11, pr12, pr9 := stacks[0], stacks[1], stacks[2]
			if !pr11.CreatedAt.Equal(day(22, 9, 0)) || !pr11.ExpiresAt.Equal(day(25, 9, 0)) || pr11.Repo != "acme/shop" ||
				pr11.URL != "http://pr-11.localhost:7070" || !pr11.LastUpdate.Equal(day(22, 9, 30)) || pr11.ResourceCount != 3 {
				t.Errorf("gzipped pr-11 = %+v", pr11)
			}
			if pr11.SecretsProvider != "awskms://alias/prenv?region=eu-west-1" || pr11.EncryptedKey != "AQIDBA==" || pr11.Salt != "" {
				t.Errorf("pr-11's secrets provider = %q, key %q, salt %q; want its KMS key and data key", pr11.SecretsProvider, pr11.EncryptedKey, pr11.Salt)
			}
			if len(pr11.Locks) != 1 || !pr11.Locks[0].Holder.Unreadable || pr11.Locks[0].Holder.Since.IsZero() {
				t.Errorf("pr-11's half-written lock = %+v, want one unreadable lock with its file's time", pr11.Locks)
			}
			if !pr12.CreatedAt.IsZero() || !pr12.LastUpdate.IsZero() || pr12.ResourceCount != 0 || len(pr12.Locks) != 0 {
				t.Errorf("never-updated pr-12 = %+v", pr12)
			}
			if !pr9.CreatedAt.Equal(day(20, 8, 0)) || pr9.Salt != "v1:abc=:v1:def:ghi" || pr9.SecretsProvider != "" || !slices.Equal(pr9.Pending, []string{"creating db"}) {
				t.Errorf("pr-9 = %+v", pr9)
			}
			if len(pr9.Locks) != 1 || pr9.Locks[0].Holder.PID != 4242 {
				t.Errorf("pr-9's locks = %+v, want pid 4242's", pr9.Locks)
			}
			if none, err := b.Stacks(t.Context(), "empty"); err != nil || len(none) != 0 {
				t.Errorf("Stacks of a project with none = %v, %v", none, err)
			}
		})
	}
}

func TestStack(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			b := open(t, be.seed(t))
			s, err := b.Stack(t.Context(), "shop", "pr-9")
			if err != nil || !s.CreatedAt.Equal(day(20, 8, 0)) || s.Salt == "" {
				t.Errorf("Stack(pr-9) = %+v, %v", s, err)
			}
			if s, err := b.Stack(t.Context(), "shop", "pr-11"); err != nil || s.Repo != "acme/shop" {
				t.Errorf("Stack(gzipped pr-11) = %+v, %v", s, err)
			}
			for _, missing := range []string{"pr-1", "pr-90"} { // pr-1 is another project's; pr-9.json is a prefix of pr-90's
				if _, err := b.Stack(t.Context(), "shop", missing); !errors.Is(err, state.ErrNoStack) {
					t.Errorf("Stack(%s) err = %v, want ErrNoStack", missing, err)
				}
			}
		})
	}
}

func TestLocksAndRemoveLock(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			url := be.seed(t)
			b := open(t, url)
			locks, err := b.Locks(t.Context(), "shop", "pr-9")
			if err != nil || len(locks) != 1 {
				t.Fatalf("Locks(pr-9) = %+v, %v; want one", locks, err)
			}
			h := locks[0].Holder
			if h.User != "runner" || h.Host != "ci-7" || h.PID != 4242 || !h.Since.Equal(day(21, 10, 0)) || h.Unreadable {
				t.Errorf("holder = %+v", h)
			}
			scheme, _, _ := strings.Cut(url, "://")
			if !strings.HasPrefix(h.URL, scheme+"://") || !strings.HasSuffix(h.URL, "/"+locks[0].Key) || strings.Contains(h.URL, "?") {
				t.Errorf("holder URL %q does not name %s in the backend", h.URL, locks[0].Key)
			}
			torn, err := b.Locks(t.Context(), "shop", "pr-11")
			if err != nil || len(torn) != 1 || !torn[0].Holder.Unreadable {
				t.Fatalf("Locks(pr-11) = %+v, %v; want one unreadable", torn, err)
			}
			for _, l := range append(locks, torn...) {
				if err := b.RemoveLock(t.Context(), l); err != nil {
					t.Fatal(err)
				}
				if err := b.RemoveLock(t.Context(), l); err != nil {
					t.Errorf("removing %s again: %v, want nil", l.Key, err)
				}
			}
			for _, stack := range []string{"pr-9", "pr-11"} {
				if left, err := b.Locks(t.Context(), "shop", stack); err != nil || len(left) != 0 {
					t.Errorf("Locks(%s) after RemoveLock = %+v, %v", stack, left, err)
				}
			}
			if other, err := b.Locks(t.Context(), "other", "pr-1"); err != nil || len(other) != 1 {
				t.Errorf("another project's lock: %+v, %v; want it kept", other, err)
			}
			if dir, ok := strings.CutPrefix(url, "file://"); ok {
				lockDir := filepath.Join(dir, ".pulumi/locks/organization/shop/pr-11")
				if entries, _ := os.ReadDir(lockDir); len(entries) != 0 {
					t.Errorf("files left in %s: %v", lockDir, entries)
				}
			}
		})
	}
}

func TestOpenRefusesLegacyLayout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		files  map[string]string
		legacy bool
	}{
		{"new backend", nil, false},
		{"project layout", map[string]string{".pulumi/meta.yaml": "version: 1\n", ".pulumi/stacks/shop/pr-1.json": "{}"}, false},
		{"legacy, marked", map[string]string{".pulumi/meta.yaml": "version: 0\n"}, true},
		{"legacy, unmarked", map[string]string{".pulumi/stacks/pr-1.json": "{}"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for name, body := range tt.files {
				path := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			b, err := state.Open(t.Context(), "file://"+dir)
			if got := errors.Is(err, state.ErrLegacyLayout); got != tt.legacy || (!tt.legacy && err != nil) {
				t.Errorf("Open: err = %v, want legacy layout refused = %v", err, tt.legacy)
			}
			if b != nil {
				b.Close()
			}
		})
	}
}

func TestCorruptStackFileIsAReadError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(fixture)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".pulumi/stacks/shop/pr-12.json"), []byte(`{"version":3,"checkpoint":`), 0o644); err != nil {
		t.Fatal(err)
	}
	b := open(t, "file://"+dir)
	_, err := b.Stacks(t.Context(), "shop")
	var readErr *state.ReadError
	if !errors.As(err, &readErr) || !strings.HasSuffix(readErr.URL, ".pulumi/stacks/shop/pr-12.json") {
		t.Errorf("Stacks with a torn pr-12: err = %v, want a *ReadError naming its file", err)
	}
}

// A writer killed between truncating a file's .attrs sidecar and writing
// it (gocloud's fileblob rewrites the sidecar in place) leaves it empty for
// good: the read removes it, says so, and reads the stack.
func TestKilledSidecarWriteIsRepaired(t *testing.T) {
	t.Parallel()
	url := backends[0].seed(t)
	b := open(t, url)
	if _, err := b.Stack(t.Context(), "shop", "pr-9"); err != nil {
		t.Fatal(err)
	}
	sidecar := filepath.Join(strings.TrimPrefix(url, "file://"), ".pulumi/stacks/shop/pr-9.json.attrs")
	if err := os.WriteFile(sidecar, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := b.Stack(t.Context(), "shop", "pr-9")
	if err != nil || !s.CreatedAt.Equal(day(20, 8, 0)) {
		t.Fatalf("Stack(pr-9) with an empty sidecar = %+v, %v", s, err)
	}
	if len(s.Repaired) != 1 || !strings.Contains(s.Repaired[0], "pr-9.json.attrs") {
		t.Errorf("Repaired = %q, want the sidecar named", s.Repaired)
	}
	if _, err := os.Stat(sidecar); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the cut-short sidecar is still there: %v", err)
	}
	if s, err := b.Stack(t.Context(), "shop", "pr-9"); err != nil || len(s.Repaired) != 0 {
		t.Errorf("a second read = %+v, %v; want it read with nothing to repair", s, err)
	}
}
