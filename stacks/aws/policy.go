package aws

import (
	"context"

	"github.com/prenv/prenv/internal/policy"
	"github.com/prenv/prenv/stacks"
)

// PolicyInput is the rendering as the policy judges it, with the
// blueprint's allow-lists.
func (r *Rendering) PolicyInput(bp *stacks.Blueprint) policy.Input {
	in := policy.Input{AllowedSnapshots: bp.Policy.AllowedSnapshots, AllowedInstanceClasses: bp.AllowedInstanceClasses(), AllowPublic: bp.Policy.AllowPublic}
	if in.AllowedSnapshots == nil {
		in.AllowedSnapshots = []string{}
	}
	for _, res := range r.Resources {
		if !res.IsProvider() {
			in.Resources = append(in.Resources, policy.Resource{Type: res.Type, Name: res.Name, Inputs: res.Inputs})
		}
	}
	return in
}

// Violations judges the rendering with prenv's rules and the blueprint's
// aws.policies files.
func (r *Rendering) Violations(ctx context.Context, bp *stacks.Blueprint) ([]policy.Violation, error) {
	files := make([]string, len(bp.AWS.Policies))
	for i, f := range bp.AWS.Policies {
		files[i] = bp.Resolve(f)
	}
	p, err := policy.New(ctx, files...)
	if err != nil {
		return nil, err
	}
	return p.Evaluate(ctx, r.PolicyInput(bp))
}
