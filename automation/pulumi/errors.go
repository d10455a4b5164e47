package pulumi

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/prenv/prenv/automation"
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
	}
	return &automation.EngineError{Stack: stack, Err: err}
}
