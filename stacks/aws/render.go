package aws

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/prenv/prenv/stacks"
)

// Rendering is what a program would create, found offline by running it
// under Pulumi's mocks.
type Rendering struct {
	Resources []Resource     // in registration order
	Outputs   map[string]any // the stack outputs
}

// Render runs env's program under Pulumi's mocks and returns what it
// would create. It needs no credentials, cluster or plugins; what only the
// cloud knows (endpoints, generated passwords) is a placeholder, and
// secrets are masked.
func Render(bp *stacks.Blueprint, env stacks.Env, t Target) (*Rendering, error) {
	t.cluster = nil // a rendering asks no cloud, not even for the cluster's endpoint
	return render(bp, env.Stack, func(ctx *pulumi.Context) (pulumi.Map, error) { return t.buildAny(ctx, bp, env) })
}

func render(bp *stacks.Blueprint, stack string, build func(*pulumi.Context) (pulumi.Map, error)) (*Rendering, error) {
	rec := &recorder{stack: stack, project: bp.Project, region: bp.AWS.Region, outputs: map[string]any{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		outs, err := build(ctx)
		if err != nil {
			return err
		}
		for k, v := range outs {
			// Exported, the applied value is awaited before the run ends.
			ctx.Export(k, pulumi.ToOutput(v).ApplyT(func(x any) any { rec.setOutput(k, x); return x }))
		}
		return nil
	}, pulumi.WithMocks(bp.Project, stack, rec))
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", stack, err)
	}
	return &Rendering{Resources: rec.resources, Outputs: rec.outputs}, nil
}

// Find returns the resources of type typ, in registration order.
func (r *Rendering) Find(typ string) []Resource {
	var out []Resource
	for _, res := range r.Resources {
		if res.Type == typ {
			out = append(out, res)
		}
	}
	return out
}

// Manifests returns the Kubernetes objects, each as its manifest.
func (r *Rendering) Manifests() []map[string]any {
	var out []map[string]any
	for _, res := range r.Resources {
		if res.IsKubernetes() && !res.IsProvider() {
			out = append(out, res.Inputs)
		}
	}
	return out
}

// WriteManifests writes the Kubernetes objects as one YAML stream, ready
// for kubectl apply --dry-run=server.
func (r *Rendering) WriteManifests(w io.Writer) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	for _, m := range r.Manifests() {
		if err := enc.Encode(m); err != nil {
			return err
		}
	}
	return enc.Close()
}

// keyInputs are the inputs WriteTable shows of each AWS type.
var keyInputs = map[string][]string{
	"aws:ec2/securityGroup:SecurityGroup":     {"namePrefix", "vpcId", "ingress"},
	"aws:rds/instance:Instance":               {"identifierPrefix", "snapshotIdentifier", "instanceClass", "dbSubnetGroupName", "skipFinalSnapshot", "deletionProtection"},
	"aws:rds/cluster:Cluster":                 {"clusterIdentifierPrefix", "restoreToPointInTime", "dbSubnetGroupName", "skipFinalSnapshot", "deletionProtection"},
	"aws:rds/clusterInstance:ClusterInstance": {"identifierPrefix", "instanceClass"},
	"aws:route53/record:Record":               {"name", "type", "ttl", "records", "zoneId"},
}

// WriteTable writes the AWS resources as a table of type, name and key
// inputs, then the stack outputs.
func (r *Rendering) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TYPE\tNAME\tKEY INPUTS")
	for _, res := range r.Resources {
		if !res.IsAWS() {
			continue
		}
		var parts []string
		for _, k := range keyInputs[res.Type] {
			if v, ok := res.Inputs[k]; ok {
				parts = append(parts, fmt.Sprintf("%s=%s", k, compact(v)))
			}
		}
		if tags, ok := res.Inputs["tags"].(map[string]any); ok {
			parts = append(parts, fmt.Sprintf("tags=%s", compact(tags)))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", res.Type, res.Name, strings.Join(parts, " "))
	}
	fmt.Fprintln(tw)
	for _, k := range slices.Sorted(maps.Keys(r.Outputs)) {
		fmt.Fprintf(tw, "output %s\t%s\n", k, compact(r.Outputs[k]))
	}
	return tw.Flush()
}

// compact prints v on one line: maps as k=v pairs in key order.
func compact(v any) string {
	switch v := v.(type) {
	case map[string]any:
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(v)) {
			parts = append(parts, k+"="+compact(v[k]))
		}
		return "{" + strings.Join(parts, ",") + "}"
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = compact(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	default:
		return fmt.Sprint(v)
	}
}
