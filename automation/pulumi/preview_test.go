package pulumi

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"

	"github.com/prenv/prenv/automation"
)

func TestPreviewAndRefreshOptions(t *testing.T) {
	t.Parallel()
	urns := []string{"urn:pulumi:*::shop::prenv:local:Service::web"}
	o := automation.Resolve([]automation.Option{automation.Targets(urns...), automation.TargetDependents(), automation.Message("m"), automation.RefreshFirst()})
	var preview optpreview.Options
	for _, opt := range previewOptions(o, nil) {
		opt.ApplyOption(&preview)
	}
	if !slices.Equal(preview.Target, urns) || !preview.TargetDependents || preview.Message != "m" || !preview.Refresh {
		t.Errorf("preview options = %+v", preview)
	}
	var refresh optrefresh.Options
	for _, opt := range refreshOptions(o, nil) {
		opt.ApplyOption(&refresh)
	}
	if !slices.Equal(refresh.Target, urns) || !refresh.TargetDependents || refresh.Message != "m" {
		t.Errorf("refresh options = %+v", refresh)
	}
	var plain optpreview.Options
	for _, opt := range previewOptions(automation.Resolve(nil), nil) {
		opt.ApplyOption(&plain)
	}
	if plain.Target != nil || plain.TargetDependents || plain.Message != "" {
		t.Errorf("untargeted preview options = %+v", plain)
	}
}
