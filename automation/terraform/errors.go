package terraform

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/automation/internal/progressline"
)

// classify turns an error from a terraform run into one of prenv's typed
// errors. diags are the error diagnostics of a -json run, whose stderr is
// empty; other runs carry theirs in err's text.
func (t *Engine) classify(ctx context.Context, stack string, err error, diags []string) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("stack %s: interrupted: %w", stack, ctx.Err())
	}
	text := err.Error() + "\n" + strings.Join(diags, "\n")
	switch {
	case strings.Contains(text, "Error acquiring the state lock"),
		// The s3 backend locks a workspace it creates without retrying.
		strings.Contains(text, "failed to lock s3 state"):
		return t.lockedError(ctx, stack, text)
	case strings.Contains(text, "doesn't exist") && strings.Contains(text, "orkspace"):
		return fmt.Errorf("workspace %s does not exist: run `prenv up` for it first: %w", stack, automation.ErrStackNotFound)
	}
	if len(diags) == 0 {
		diags = errorBlocks(err.Error())
	}
	lines := make([]string, len(diags))
	for i, d := range diags {
		lines[i] = "error: " + strings.ReplaceAll(d, "\n", "\n    ")
	}
	if len(lines) == 0 {
		lines = []string{"error: " + progressline.FirstLine(err.Error())}
	}
	return &automation.EngineError{Stack: stack, Err: &diagnosticsError{text: strings.Join(lines, "\n"), err: err}}
}

// diagnosticsError carries terraform's diagnostics, as EngineError reads
// them, and the run's own error beneath.
type diagnosticsError struct {
	text string
	err  error
}

func (e *diagnosticsError) Error() string { return e.text }
func (e *diagnosticsError) Unwrap() error { return e.err }

// errorBlocks picks the "Error: <summary>" blocks out of terraform's
// human-readable stderr, each with its first paragraph of detail.
func errorBlocks(text string) []string {
	var out []string
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(strings.TrimLeft(lines[i], "│╷╵ "))
		summary, ok := strings.CutPrefix(l, "Error: ")
		if !ok {
			continue
		}
		var detail []string
		j := i + 1
		for ; j < len(lines); j++ {
			d := strings.TrimSpace(strings.TrimLeft(lines[j], "│╷╵ "))
			if strings.HasPrefix(d, "Error: ") {
				break
			}
			if d == "" && len(detail) > 0 {
				break
			}
			if d != "" {
				detail = append(detail, d)
			}
		}
		i = j - 1
		msg := summary
		if len(detail) > 0 {
			msg += ": " + strings.Join(detail, " ")
		}
		out = append(out, msg)
	}
	return out
}

// lockWho and lockCreated match the "Lock Info" that terraform prints
// when the state is locked:
//
//	Who:       root@host
//	Created:   2026-11-22 01:40:00.123456789 +0000 UTC
var (
	lockWho     = regexp.MustCompile(`(?m)^\s*Who:\s+(.*)@(\S+)\s*$`)
	lockCreated = regexp.MustCompile(`(?m)^\s*Created:\s+(.+?)\s*$`)
	lockPath    = regexp.MustCompile(`(?m)^\s*Path:\s+(.+?)\s*$`)
)

// parseLockInfo reads the holder out of terraform's lock error.
func parseLockInfo(text string) []automation.LockHolder {
	m := lockWho.FindStringSubmatch(text)
	if m == nil {
		return nil
	}
	h := automation.LockHolder{User: m[1], Host: m[2]}
	if c := lockCreated.FindStringSubmatch(text); c != nil {
		h.Since, _ = time.Parse("2006-01-02 15:04:05.999999999 -0700 MST", c[1])
	}
	if p := lockPath.FindStringSubmatch(text); p != nil {
		h.URL = "file://" + p[1]
		if !strings.HasPrefix(p[1], "/") { // <bucket>/<key>: the s3 backend's, locked by <key>.tflock
			h.URL = "s3://" + p[1] + ".tflock"
		}
	}
	return []automation.LockHolder{h}
}
