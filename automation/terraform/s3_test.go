package terraform_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gocloud.dev/blob"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/automation/internal/enginetest"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/modules"
)

// noneEngine returns an engine on backend that applies the none module.
func noneEngine(t *testing.T, backend string) automation.Engine {
	t.Helper()
	mod, err := modules.For("none")
	if err != nil {
		t.Fatal(err)
	}
	return newEngine(t, backend, mod, nil)
}

// bucketKeys lists every key of the bucket at url.
func bucketKeys(t *testing.T, url string) []string {
	t.Helper()
	bucket, err := blob.OpenBucket(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer bucket.Close()
	var keys []string
	it := bucket.List(nil)
	for {
		obj, err := it.Next(t.Context())
		if err != nil {
			break
		}
		keys = append(keys, obj.Key)
	}
	return keys
}

// TestS3WorkspacesStayInTheProjectDirectory ups and destroys an
// environment in a directory of a bucket: every object Terraform writes
// is under <dir>/terraform/<project>/<workspace>/, and destroy with
// Remove leaves none.
func TestS3WorkspacesStayInTheProjectDirectory(t *testing.T) {
	t.Parallel()
	b := testenv.S3(t)
	base, query, _ := strings.Cut(b.URL, "?")
	eng := noneEngine(t, base+"/teams/shop?"+query)
	env := enginetest.Env(t, 5)
	if _, err := eng.Up(t.Context(), env); err != nil {
		t.Fatal(err)
	}
	keys := bucketKeys(t, b.URL)
	if len(keys) != 1 || keys[0] != "teams/shop/terraform/e2e/pr-5/terraform.tfstate" {
		t.Errorf("objects after up = %q, want only teams/shop/terraform/e2e/pr-5/terraform.tfstate", keys)
	}
	if _, err := eng.Destroy(t.Context(), env, automation.Remove()); err != nil {
		t.Fatal(err)
	}
	if keys := bucketKeys(t, b.URL); len(keys) != 0 {
		t.Errorf("objects after destroy and remove = %q, want none", keys)
	}
	if list, err := eng.List(t.Context()); err != nil || len(list) != 0 {
		t.Errorf("List after destroy = %+v, %v; want none", list, err)
	}
}

// TestS3KilledHolderIsBroken kills the terraform that holds a workspace's
// lock with SIGKILL, as a runner killed mid-apply would be: its lock file
// stays, Cancel named it and its process, and the next up breaks it.
func TestS3KilledHolderIsBroken(t *testing.T) {
	t.Parallel()
	eng, g := enginesOn(testenv.S3(t).URL).Gate(t, 30*time.Second)
	env := enginetest.Env(t, 6)
	done := make(chan error, 1)
	go func() {
		_, err := eng.Up(t.Context(), env)
		done <- err
	}()
	g.Entered(t)
	held, err := eng.Cancel(t.Context(), env)
	var locked *automation.LockedError
	if !errors.As(err, &locked) || len(held.Locks) != 1 || held.Locks[0].PID == 0 || held.Locks[0].Host == "" {
		t.Fatalf("Cancel of a live run's lock = %+v, %v; want a LockedError naming its host and process", held, err)
	}
	if err := syscall.Kill(held.Locks[0].PID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil {
		t.Fatal("the killed up succeeded")
	}
	g.SetHold(0)
	res, err := eng.Up(t.Context(), env)
	if err != nil {
		t.Fatalf("up after the holder was killed: %v", err)
	}
	if got := strings.Join(res.Recovered, "; "); !strings.Contains(got, "broke stale lock of "+env.Stack) || !strings.Contains(got, "process is gone") {
		t.Errorf("recovered %q, want the killed holder's lock broken because its process is gone", got)
	}
}

// plantLock writes the s3 backend's lock file on workspace into the bucket
// at backend, as terraform on host would have at since.
func plantLock(t *testing.T, backend, workspace, host string, since time.Time) {
	t.Helper()
	bucket, err := blob.OpenBucket(t.Context(), backend)
	if err != nil {
		t.Fatal(err)
	}
	defer bucket.Close()
	key := fmt.Sprintf("terraform/%s/%s/terraform.tfstate.tflock", enginetest.Project, workspace)
	body := fmt.Sprintf(`{"ID":"planted-%s","Operation":"OperationTypeApply","Info":"","Who":"ci@%s","Version":"1.11.4","Created":%q,"Path":"b/x"}`,
		workspace, host, since.UTC().Format(time.RFC3339Nano))
	if err := bucket.WriteAll(t.Context(), key, []byte(body), nil); err != nil {
		t.Fatal(err)
	}
}

// TestS3UpBreaksOnlyStaleLocks plants the s3 backend's lock on an
// existing workspace and runs up and cancel: a provably stale lock is
// broken and reported, a possibly live one stops the up (naming its
// holder) and stays, unless its host's run has ended.
func TestS3UpBreaksOnlyStaleLocks(t *testing.T) {
	t.Parallel()
	here, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	backend := testenv.S3(t).URL
	eng := noneEngine(t, backend)
	for i, tt := range []struct {
		name  string
		host  string
		age   time.Duration
		stale string // why it is stale; "" for a lock that may be live
	}{
		{"killed run here", here, time.Minute, "process is gone"},
		{"run elsewhere past the job time", "some-other-runner", 7 * time.Hour, "maximum job time"},
		{"young run elsewhere", "some-other-runner", time.Minute, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := enginetest.Env(t, 60+i)
			if _, err := eng.Up(t.Context(), env); err != nil {
				t.Fatal(err)
			}
			plantLock(t, backend, env.Stack, tt.host, time.Now().Add(-tt.age))
			if list, err := eng.List(t.Context()); err != nil || !running(list, env.Stack, tt.stale == "") {
				t.Errorf("List = %+v, %v; want %s running: %v", list, err, env.Stack, tt.stale == "")
			}
			res, err := eng.Up(t.Context(), env)
			recovered := strings.Join(res.Recovered, "; ")
			if tt.stale != "" {
				if err != nil || !strings.Contains(recovered, "broke stale lock of "+env.Stack) || !strings.Contains(recovered, tt.stale) {
					t.Fatalf("up past a stale lock: err %v, recovered %q; want success reporting %q", err, recovered, tt.stale)
				}
				if after, err := eng.Cancel(t.Context(), env); err != nil || len(after.Locks) != 0 {
					t.Errorf("locks after the up: %+v, %v; want none", after.Locks, err)
				}
				return
			}
			var locked *automation.LockedError
			if !errors.As(err, &locked) || len(locked.Holders) != 1 || locked.Holders[0].Host != tt.host || locked.Holders[0].User != "ci" {
				t.Fatalf("up on a possibly live lock: err = %v, want a LockedError naming ci@%s", err, tt.host)
			}
			if after, err := eng.Cancel(t.Context(), env); !automation.IsLocked(err) || len(after.Locks) != 1 || after.Broken {
				t.Errorf("cancel of the live lock: %+v, %v; want it kept", after, err)
			}
			if res, err := eng.Cancel(t.Context(), env, automation.FinishedHost(tt.host)); err != nil || !res.Broken {
				t.Errorf("cancel with FinishedHost(%s): broken %v, err %v; want its lock broken", tt.host, res.Broken, err)
			}
			if _, err := eng.Up(t.Context(), env); err != nil {
				t.Errorf("up after the lock was released: %v", err)
			}
		})
	}
}

// running reports whether list shows stack as running.
func running(list []automation.StackInfo, stack string, want bool) bool {
	for _, s := range list {
		if s.Name == stack {
			return s.Running == want
		}
	}
	return false
}

// TestS3NeedsTerraform110 checks the version before anything else: the s3
// backend's lock files need terraform 1.10, and an older one is refused
// in one line naming both versions; the local backend takes it.
func TestS3NeedsTerraform110(t *testing.T) {
	t.Parallel()
	fake := func(version string) string {
		path := filepath.Join(t.TempDir(), "terraform")
		script := fmt.Sprintf("#!/bin/sh\necho '{\"terraform_version\":\"%s\"}'\n", version)
		if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		return path
	}
	mod, err := modules.For("none")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		version, backend string
		refused          bool
	}{
		{"1.9.8", "s3://team-state?region=eu-west-1", true},
		{"1.9.8", "file://" + t.TempDir(), false},
		{"1.10.0", "s3://team-state?region=eu-west-1", false},
		{"1.4.0", "file://" + t.TempDir(), true},
	} {
		cfg := terraformConfig(mod, tt.backend, fake(tt.version))
		_, err := newFromConfig(t, cfg)
		switch {
		case tt.refused && (err == nil || !strings.Contains(err.Error(), tt.version) || strings.Contains(err.Error(), "\n")):
			t.Errorf("terraform %s on %s: err = %v, want one line naming %s", tt.version, tt.backend, err, tt.version)
		case tt.refused && strings.HasPrefix(tt.backend, "s3") && !strings.Contains(err.Error(), "1.10.0"):
			t.Errorf("terraform %s on %s: err = %v, want it to name 1.10.0", tt.version, tt.backend, err)
		case !tt.refused && err != nil:
			t.Errorf("terraform %s on %s: %v, want it accepted", tt.version, tt.backend, err)
		}
	}
}
