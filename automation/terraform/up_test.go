package terraform

import (
	"reflect"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/prenv/prenv/automation"
)

func TestApplyOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		o    automation.Options
		want string
	}{
		{"default", automation.Options{}, "0ms"},
		{"wait", automation.Options{WaitForLock: 90 * time.Second}, "90000ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := lockTimeout(tt.o); got != tt.want {
				t.Errorf("lockTimeout = %q, want %q", got, tt.want)
			}
			if got := len(applyOptions("vars.json", tt.o)); got != 3 {
				t.Errorf("applyOptions has %d options, want 3", got)
			}
		})
	}
	if got := len(applyOptions("vars.json", automation.Options{ExtendTo: time.Now()})); got != 5 {
		t.Errorf("applyOptions with Extend has %d options, want 5 (no refresh, one target)", got)
	}
}

func TestTargetOptions(t *testing.T) {
	t.Parallel()
	o := automation.Resolve([]automation.Option{automation.Targets("terraform_data.env", `module.db.aws_db_instance.this["a"]`)})
	want := []any{tfexec.Target("terraform_data.env"), tfexec.Target(`module.db.aws_db_instance.this["a"]`)}
	for name, opts := range map[string][]any{
		"apply":   anys(applyOptions("vars.json", o)),
		"plan":    anys(planOptions("vars.json", o)),
		"refresh": anys(refreshOptions("vars.json", o)),
		"destroy": anys(destroyOptions("vars.json", o)),
	} {
		if got := opts[len(opts)-2:]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s options end with %v; want the two -target flags", name, got)
		}
	}
	extend := anys(applyOptions("vars.json", automation.Options{Targets: o.Targets, ExtendTo: time.Now()}))
	if got := extend[len(extend)-1]; !reflect.DeepEqual(got, tfexec.Target(extendTarget)) || len(extend) != 5 {
		t.Errorf("an extension's options %v; want its own target alone", extend)
	}
}

func anys[T any](s []T) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
