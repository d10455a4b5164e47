package aws

import (
	"context"

	"github.com/prenv/prenv/stacks"
)

// TerraformVars implements stacks.TerraformInputs. With aws.cluster, the
// embedded module's Kubernetes provider reads the kubeconfig prenv builds
// (variable kubeconfig); without, every variable comes from
// terraform.vars, as before.
func (t Target) TerraformVars(ctx context.Context, _ *stacks.Blueprint, _ stacks.Env) (map[string]any, error) {
	vars := map[string]any{}
	if t.cluster == nil {
		return vars, nil
	}
	path, err := t.cluster.kubeconfigFile(ctx)
	if err != nil {
		return nil, err
	}
	vars["kubeconfig"] = path
	return vars, nil
}

// TerraformEnv implements stacks.TerraformInputs: the module's commands
// need nothing beyond the process environment, whose AWS credentials the
// exec plugin uses.
func (Target) TerraformEnv() map[string]string { return nil }
