package terraform

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/stacks"
)

// Outputs returns the outputs of env's workspace, sensitive ones included
// and marked secret.
func (t *Engine) Outputs(ctx context.Context, env stacks.Env) (map[string]automation.Output, error) {
	r, err := t.workdir(ctx, env.Stack)
	if err != nil {
		return nil, err
	}
	defer r.cleanup()
	if err := t.selectWorkspace(ctx, r, env.Stack, false, automation.Options{}); err != nil {
		return nil, err
	}
	metas, err := r.tf.Output(ctx)
	if err != nil {
		return nil, t.classify(ctx, env.Stack, err, nil)
	}
	m := make(map[string]outputMeta, len(metas))
	for k, v := range metas {
		m[k] = outputMeta{Sensitive: v.Sensitive, Value: v.Value}
	}
	return prenvOutputs(m, false), nil
}

// prenvOutputs converts Terraform outputs to prenv's names: "__" becomes ":",
// and a map output named "<prefix>__" becomes one output per key,
// "<prefix>:<key>". With withhold, a sensitive value is replaced by the
// placeholder Pulumi's events show, as Up's result does on both engines.
func prenvOutputs(metas map[string]outputMeta, withhold bool) map[string]automation.Output {
	out := make(map[string]automation.Output, len(metas))
	for name, meta := range metas {
		var v any
		if len(meta.Value) > 0 {
			_ = json.Unmarshal(meta.Value, &v)
		}
		if withhold && meta.Sensitive {
			v = automation.SecretPlaceholder
		}
		prefix, expand := strings.CutSuffix(name, "__")
		if obj, ok := v.(map[string]any); expand && ok {
			for k, kv := range obj {
				out[outputName(prefix)+":"+k] = automation.Output{Value: kv, Secret: meta.Sensitive}
			}
			continue
		}
		if expand && meta.Sensitive && v == automation.SecretPlaceholder {
			continue // a withheld map has no keys to show
		}
		out[outputName(name)] = automation.Output{Value: v, Secret: meta.Sensitive}
	}
	return out
}

// outputName maps a Terraform output name to prenv's: "__" stands for ":".
func outputName(name string) string { return strings.ReplaceAll(name, "__", ":") }
