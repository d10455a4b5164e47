package actions

import (
	"fmt"

	"github.com/prenv/prenv/automation"
)

// ChangesError is expect-no-changes' failure: a preview, update or
// refresh found changes. Its text is prenv's own (counts by kind), so
// the public comment may quote it.
type ChangesError struct {
	Op      string // preview, up or refresh
	Stack   string
	Summary string // such as "1 create, 2 update"
}

func (e *ChangesError) Error() string {
	if e.Op == "preview" {
		return fmt.Sprintf("expect-no-changes is set, and %s would change: %s", e.Stack, e.Summary)
	}
	return fmt.Sprintf("expect-no-changes is set, and the %s of %s changed: %s", e.Op, e.Stack, e.Summary)
}

// unexpectedChanges is expect-no-changes' verdict on a result: a
// *ChangesError when the input is set and the result changed anything.
func unexpectedChanges(in Inputs, res automation.Result) error {
	if !in.ExpectNoChanges || !res.Changed() {
		return nil
	}
	return &ChangesError{Op: res.Op, Stack: res.Stack, Summary: res.Summary()}
}
