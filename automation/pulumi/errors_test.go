package pulumi

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

func TestParseLockHolders(t *testing.T) {
	t.Parallel()
	stderr := "error: the stack is currently locked by 2 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
		"  file:///s/.pulumi/locks/organization/shop/pr-1/a.json: created by root@runner-1 (pid 4242) at 2026-11-21T10:00:00Z\n" +
		"  s3://bucket/.pulumi/locks/organization/shop/pr-1/b.json: created by ci user@host.local (pid 7) at 2026-11-21T11:30:00+01:00\n"
	got := parseLockHolders(stderr)
	want := []automation.LockHolder{
		{URL: "file:///s/.pulumi/locks/organization/shop/pr-1/a.json", User: "root", Host: "runner-1", PID: 4242, Since: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)},
		{URL: "s3://bucket/.pulumi/locks/organization/shop/pr-1/b.json", User: "ci user", Host: "host.local", PID: 7, Since: time.Date(2026, 11, 21, 10, 30, 0, 0, time.UTC)},
	}
	if len(got) != len(want) {
		t.Fatalf("parseLockHolders found %d holders, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].URL != want[i].URL || got[i].User != want[i].User || got[i].Host != want[i].Host ||
			got[i].PID != want[i].PID || !got[i].Since.Equal(want[i].Since) {
			t.Errorf("holder %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestClassifyLockListingRace(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"could not create stack: could not list bucket: blob (code=NotFound): lstat /s/.pulumi/locks/organization/e2e/pr-1/3d0f.json: no such file or directory",
		`blob (key ".pulumi/locks/organization/e2e/pr-1/3d0f.json") (code=NotFound): operation error S3: GetObject, https response error StatusCode: 404, api error NoSuchKey: The specified key does not exist.`,
	} {
		if got := classify(context.Background(), "pr-1", errors.New(text)); !automation.IsLocked(got) {
			t.Errorf("classify(%q) = %v, want ErrLocked so the run waits and retries", text, got)
		}
	}
	notLock := errors.New(`blob (key ".pulumi/stacks/e2e/pr-1.json") (code=NotFound): NoSuchKey`)
	if got := classify(context.Background(), "pr-1", notLock); automation.IsLocked(got) {
		t.Errorf("classify(a missing stack file) = %v, want no lock error", got)
	}
}

func TestKeyServiceFailure(t *testing.T) {
	t.Parallel()
	text := "failed to run update: exit status 255\nstderr: error: could not create secrets manager for new stack: secrets (code=NotFound): operation error KMS: Encrypt, https response error StatusCode: 400, RequestID: abc, NotFoundException: Key 'arn:aws:kms:us-east-1:1:key/k' does not exist\n"
	err := classify(context.Background(), "pr-1", errors.New(text))
	want := "the secrets provider of stack pr-1 failed: Key 'arn:aws:kms:us-east-1:1:key/k' does not exist (NotFound): check the key's id"
	if !strings.HasPrefix(err.Error(), want) || !stacks.IsInput(err) {
		t.Errorf("classify = %v, want an input error starting %q", err, want)
	}
	down := classify(context.Background(), "pr-1", errors.New("secrets (code=Unavailable): dial tcp: connection refused"))
	if stacks.IsInput(down) || !strings.Contains(down.Error(), "dial tcp: connection refused (Unavailable)") {
		t.Errorf("classify of an unreachable key service = %v, want a plain error with its cause", down)
	}
}
