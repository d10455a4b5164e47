package state_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/state"
	"github.com/prenv/prenv/internal/testenv"
)

// tfFixture is a Terraform engine's backend written by hand: project
// shop's workspaces pr-3 (applied, its lifetime outputs, the s3 backend's
// lock held by runner@ci-7, a .backup beside) and pr-4 (created, never
// applied, a local backend's lock record beside), the default workspace's
// state, and another project's pr-3.
const tfFixture = "testdata/terraform"

// tfBackends are the kinds of backend the Terraform tests run on: a
// file:// directory, and under go test without -short an s3:// bucket on
// moto_server, at its root and in a directory under it.
var tfBackends = []struct {
	name string
	// seed copies the fixture into a fresh backend and returns its URL.
	seed func(t *testing.T) string
}{
	{"file", func(t *testing.T) string {
		dir := t.TempDir()
		if err := os.CopyFS(dir, os.DirFS(tfFixture)); err != nil {
			t.Fatal(err)
		}
		return "file://" + dir
	}},
	{"s3", func(t *testing.T) string {
		b := testenv.S3(t)
		seedBucketFrom(t, tfFixture, b.URL, "")
		return b.URL
	}},
	{"s3 directory", func(t *testing.T) string {
		b := testenv.S3(t)
		seedBucketFrom(t, tfFixture, b.URL, "teams/shop/")
		base, query, _ := strings.Cut(b.URL, "?")
		return base + "/teams/shop?" + query
	}},
}

func openTerraform(t *testing.T, url string) *state.TerraformBackend {
	t.Helper()
	b, err := state.OpenTerraform(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func TestTerraformWorkspaces(t *testing.T) {
	t.Parallel()
	for _, be := range tfBackends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			b := openTerraform(t, be.seed(t))
			ws, err := b.Workspaces(t.Context(), "shop")
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, w := range ws {
				names = append(names, w.Name)
			}
			if want := []string{"pr-3", "pr-4"}; !slices.Equal(names, want) {
				t.Fatalf("Workspaces = %q, want %q (no default, no backup, no other project)", names, want)
			}
			pr3, pr4 := ws[0], ws[1]
			if !pr3.CreatedAt.Equal(day(20, 8, 0)) || !pr3.ExpiresAt.Equal(day(23, 8, 0)) || pr3.URL != "http://pr-3.localhost:7070" ||
				pr3.ResourceCount != 2 || pr3.LastUpdate.IsZero() {
				t.Errorf("pr-3 = %+v, want its lifetime, url, two managed resources and a time", pr3)
			}
			if len(pr3.Locks) != 1 {
				t.Fatalf("pr-3's locks = %+v, want the s3 backend's", pr3.Locks)
			}
			l := pr3.Locks[0]
			if l.ID != "5e1b2c1d-9a8b-4c7d-8e6f-0a1b2c3d4e5f" || l.Holder.User != "runner" || l.Holder.Host != "ci-7" || !l.Holder.Since.Equal(day(21, 10, 0)) ||
				!strings.HasPrefix(l.Holder.URL, b.String()+"/terraform/shop/pr-3/terraform.tfstate.tflock") {
				t.Errorf("pr-3's lock = %+v", l)
			}
			if !pr4.CreatedAt.IsZero() || pr4.ResourceCount != 0 || len(pr4.Locks) != 0 {
				t.Errorf("never-applied pr-4 = %+v, want no lifetime, resources or lock (a local record is no s3 lock)", pr4)
			}
			if none, err := b.Workspaces(t.Context(), "empty"); err != nil || len(none) != 0 {
				t.Errorf("Workspaces of a project with none = %v, %v", none, err)
			}
			if s, err := b.Workspace(t.Context(), "shop", "pr-3"); err != nil || !s.ExpiresAt.Equal(pr3.ExpiresAt) || len(s.Locks) != 0 {
				t.Errorf("Workspace(pr-3) = %+v, %v; want its lifetime and no locks read", s, err)
			}
			for _, missing := range []string{"pr-1", "default"} {
				if _, err := b.Workspace(t.Context(), "shop", missing); !errors.Is(err, state.ErrNoStack) {
					t.Errorf("Workspace(%s) err = %v, want ErrNoStack", missing, err)
				}
			}
		})
	}
}

// TestRemoveWorkspaceLock removes the s3 backend's lock as force-unlock
// does: only while it is still the lock that was read.
func TestRemoveWorkspaceLock(t *testing.T) {
	t.Parallel()
	for _, be := range tfBackends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			b := openTerraform(t, be.seed(t))
			l, held, err := b.WorkspaceLock(t.Context(), "shop", "pr-3")
			if err != nil || !held {
				t.Fatalf("WorkspaceLock(pr-3) = %+v, %v, %v; want it held", l, held, err)
			}
			other := l
			other.ID = "another-run"
			if err := b.RemoveWorkspaceLock(t.Context(), other); !errors.Is(err, state.ErrLockChanged) {
				t.Errorf("removing a lock by an ID it no longer has: %v, want ErrLockChanged", err)
			}
			if _, held, _ := b.WorkspaceLock(t.Context(), "shop", "pr-3"); !held {
				t.Fatal("a lock with another ID was removed")
			}
			if err := b.RemoveWorkspaceLock(t.Context(), l); err != nil {
				t.Fatal(err)
			}
			if err := b.RemoveWorkspaceLock(t.Context(), l); err != nil {
				t.Errorf("removing it again: %v, want nil", err)
			}
			if _, held, err := b.WorkspaceLock(t.Context(), "shop", "pr-3"); held || err != nil {
				t.Errorf("after RemoveWorkspaceLock: held %v, %v", held, err)
			}
			if _, held, err := b.WorkspaceLock(t.Context(), "shop", "pr-4"); held || err != nil {
				t.Errorf("WorkspaceLock(pr-4) held %v, %v; a local backend's record is no lock", held, err)
			}
		})
	}
}

// TestKeepErrored keeps a run's unsaved state beside the workspace's,
// where Errored finds it.
func TestKeepErrored(t *testing.T) {
	t.Parallel()
	for _, be := range tfBackends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			url := be.seed(t)
			b := openTerraform(t, url)
			if _, found, err := b.Errored(t.Context(), "shop", "pr-3"); found || err != nil {
				t.Fatalf("Errored before any: %v, %v", found, err)
			}
			kept, err := b.KeepErrored(t.Context(), "shop", "pr-3", []byte(`{"version":4}`))
			if err != nil || !strings.HasSuffix(kept, "/terraform/shop/pr-3/errored.tfstate") {
				t.Fatalf("KeepErrored = %q, %v", kept, err)
			}
			if at, found, err := b.Errored(t.Context(), "shop", "pr-3"); !found || err != nil || at != kept {
				t.Errorf("Errored = %q, %v, %v; want %q", at, found, err, kept)
			}
			if _, found, _ := b.Errored(t.Context(), "shop", "pr-4"); found {
				t.Error("another workspace has the errored state too")
			}
			if dir, ok := strings.CutPrefix(url, "file://"); ok {
				entries, _ := os.ReadDir(filepath.Join(dir, "terraform/shop/pr-3"))
				for _, e := range entries {
					if strings.HasSuffix(e.Name(), ".attrs") {
						t.Errorf("a sidecar %s beside Terraform's files", e.Name())
					}
				}
			}
		})
	}
}

func TestCorruptWorkspaceStateIsAReadError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(tfFixture)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "terraform/shop/pr-4/terraform.tfstate"), []byte(`{"version":4,"outputs":`), 0o644); err != nil {
		t.Fatal(err)
	}
	b := openTerraform(t, "file://"+dir)
	_, err := b.Workspaces(t.Context(), "shop")
	var readErr *state.ReadError
	if !errors.As(err, &readErr) || !strings.HasSuffix(readErr.URL, "terraform/shop/pr-4/terraform.tfstate") {
		t.Errorf("Workspaces with a torn pr-4: err = %v, want a *ReadError naming its file", err)
	}
}
