package automation

import (
	"context"
	"testing"
	"time"
)

func TestOptions(t *testing.T) {
	t.Parallel()
	o := Resolve([]Option{WaitForLock(2 * time.Minute), MaxJobTime(time.Hour), Remove(), RefreshFirst()})
	if o.WaitForLock != 2*time.Minute || o.MaxJobTime != time.Hour || !o.Remove || !o.RefreshFirst {
		t.Errorf("options = %+v", o)
	}
	urn := "urn:pulumi:pr-1::shop::prenv:local:Database::db"
	if o := Resolve([]Option{Targets(urn), Targets("urn:pulumi:*::shop::pulumi:providers:prenv::*"), TargetDependents(), Message("deploy")}); len(o.Targets) != 2 || o.Targets[0] != urn || !o.TargetDependents || o.Message != "deploy" {
		t.Errorf("targets and message = %+v", o)
	}
	if d := Resolve(nil); d.WaitForLock != 0 || d.MaxJobTime != DefaultMaxJobTime || d.Progress == nil || d.Targets != nil || d.Message != "" {
		t.Errorf("default options = %+v", d)
	}
}

func TestRunOptions(t *testing.T) {
	t.Parallel()
	run := RunInfo{Repo: "acme/shop", RunID: 123, Attempt: 1, Job: "up"}
	asked := RunInfo{}
	o := Resolve([]Option{Run(run), RunStatus(func(_ context.Context, r RunInfo) (bool, error) { asked = r; return true, nil })})
	if o.Run != run || o.RunStatus == nil {
		t.Fatalf("options = %+v", o)
	}
	if done, err := o.RunStatus(t.Context(), run); !done || err != nil || asked != run {
		t.Errorf("RunStatus asked about %+v: %v, %v", asked, done, err)
	}
	if d := Resolve(nil); !d.Run.IsZero() || d.RunStatus != nil {
		t.Errorf("default options carry a run: %+v", d)
	}
	if got, want := run.String(), "run 123 attempt 1 of acme/shop"; got != want {
		t.Errorf("RunInfo.String = %q, want %q", got, want)
	}
}
