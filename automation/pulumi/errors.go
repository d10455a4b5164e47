package pulumi

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// lockLine matches the lines Pulumi's file backend prints for each lock:
//
//	file:///state/.pulumi/locks/organization/shop/pr-1/ab12.json: created by root@host (pid 42) at 2026-11-21T10:00:00Z
var lockLine = regexp.MustCompile(`(?m)^\s*(\S+\.json(?:\.[0-9a-f]+\.tmp)?): created by (.*)@(\S+) \(pid (-?\d+)\) at (\S+)\s*$`)

func parseLockHolders(stderr string) []automation.LockHolder {
	var hs []automation.LockHolder
	for _, m := range lockLine.FindAllStringSubmatch(stderr, -1) {
		pid, _ := strconv.Atoi(m[4])
		since, _ := time.Parse(time.RFC3339, m[5])
		hs = append(hs, automation.LockHolder{URL: m[1], User: m[2], Host: m[3], PID: pid, Since: since})
	}
	return hs
}

// classify turns an error from the Automation API or a pulumi run into one
// of prenv's typed errors. It must see the error before anything wraps it:
// it reads the CLI's stderr from the message, as Pulumi's own predicates
// do, and those predicates do not unwrap.
func classify(ctx context.Context, stack string, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("stack %s: interrupted: %w", stack, ctx.Err())
	}
	text := err.Error()
	switch {
	case strings.Contains(text, "the stack is currently locked by"),
		strings.Contains(text, "Another update is currently in progress"),
		// pulumi lists the lock directory while another run removes its
		// lock: the same contention, seen mid-change. The file backend
		// says the file is gone; buckets answer NotFound for the key.
		strings.Contains(text, ".pulumi/locks/") &&
			(strings.Contains(text, "no such file or directory") || strings.Contains(text, "code=NotFound")):
		return &automation.LockedError{Stack: stack, Holders: parseLockHolders(text)}
	case strings.Contains(text, "no stack named"):
		return fmt.Errorf("stack %s does not exist: run `prenv up` for it first: %w", stack, automation.ErrStackNotFound)
	case strings.Contains(text, "incorrect passphrase"), strings.Contains(text, "passphrase must be set"):
		return fmt.Errorf("the passphrase does not open stack %s's secrets: set PULUMI_CONFIG_PASSPHRASE to the one the stack was created with", stack)
	case keyServiceError.MatchString(text):
		return keyServiceFailure(stack, text)
	}
	return &automation.EngineError{Stack: stack, Err: err}
}

// keyServiceError matches the error of a secrets provider's key service,
// as gocloud reports it through pulumi:
//
//	secrets (code=NotFound): operation error KMS: Encrypt, https response error StatusCode: 400, RequestID: ..., NotFoundException: Key '...' does not exist
var keyServiceError = regexp.MustCompile(`secrets \(code=(\w+)\): ([^\n]*)`)

// keyServiceFailure is a failure of the stack's key service, its cause
// cut to the service's own words. A key that does not exist, or that the
// credentials may not use, is the user's input.
func keyServiceFailure(stack, text string) error {
	m := keyServiceError.FindStringSubmatch(text)
	code, cause := m[1], m[2]
	if i := strings.LastIndex(cause, "Exception: "); i >= 0 { // AWS: the rest is the request's metadata
		cause = cause[i+len("Exception: "):]
	}
	err := fmt.Errorf("the secrets provider of stack %s failed: %s (%s): check the key's id, region and endpoint in secrets-provider, and that these credentials may use it", stack, strings.TrimSpace(cause), code)
	if code == "NotFound" || code == "PermissionDenied" {
		return stacks.Input(err)
	}
	return err
}
