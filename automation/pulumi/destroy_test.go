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
	urn := "urn:pulumi:pr-1::shop::prenv:local:Route::route"
	var got optdestroy.Options
	for _, o := range destroyOptions(automation.Resolve([]automation.Option{automation.Remove(), automation.Targets(urn), automation.Message("m")}), nil) {
		o.ApplyOption(&got)
	}
	if got.Remove || len(got.Target) != 1 || got.Target[0] != urn || got.TargetDependents || got.Message != "m" {
		t.Errorf("a targeted destroy = %+v; want the target, the message, and the stack kept", got)
	}
}
