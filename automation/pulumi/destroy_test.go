package pulumi

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"

	"github.com/prenv/prenv/automation"
)

func TestDestroyOptions(t *testing.T) {
	t.Parallel()
	for _, remove := range []bool{false, true} {
		var opts []automation.Option
		if remove {
			opts = append(opts, automation.Remove())
		}
		var got optdestroy.Options
		for _, o := range destroyOptions(automation.Resolve(opts), nil) {
			o.ApplyOption(&got)
		}
		if got.Remove != remove {
			t.Errorf("Remove() given %v: destroy Remove = %v", remove, got.Remove)
		}
	}
}
