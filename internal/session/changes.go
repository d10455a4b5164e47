package session

import (
	"context"
	"fmt"

	"github.com/prenv/prenv/internal/checkout"
	"github.com/prenv/prenv/stacks"
)

// changedFiles lists the files a sandbox-mode PR changed: from
// o.ChangedFiles when it answers, else from git diff in dir against base.
// With o.ChangedFiles set, it never fails: when git cannot answer either,
// it returns stacks.UnknownChanges() and why. Without it, git's failure is
// an input error naming the fix.
func (h Host) changedFiles(ctx context.Context, o Options, dir, base string) (files []string, unknown string, err error) {
	if o.ChangedFiles == nil {
		files, err = checkout.ChangedFiles(ctx, dir, base)
		return files, "", stacks.Input(err)
	}
	files, listErr := o.ChangedFiles(ctx)
	if listErr == nil {
		return files, "", nil
	}
	files, gitErr := checkout.ChangedFiles(ctx, dir, base)
	if gitErr == nil {
		h.notice(fmt.Sprintf("%v; the changed files come from git diff against %s instead", listErr, base))
		return files, "", nil
	}
	return stacks.UnknownChanges(), fmt.Sprintf("%v; and git cannot tell either: %v", listErr, gitErr), nil
}
