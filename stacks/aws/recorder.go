package aws

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Masked stands in for every secret value in a rendering.
const Masked = "[secret]"

// Resource is one resource the program registered, as Render saw it.
type Resource struct {
	Type         string         // Pulumi type token, e.g. kubernetes:apps/v1:Deployment
	Name         string         // logical name
	URN          string         // its URN in the rendered stack
	Inputs       map[string]any // inputs, secrets masked
	Dependencies []string       // URNs it waits for
	Version      string         // plugin version it asked for, if any
}

// IsProvider reports whether r is a provider instance.
func (r Resource) IsProvider() bool { return strings.HasPrefix(r.Type, "pulumi:providers:") }

// IsKubernetes reports whether r is a Kubernetes object.
func (r Resource) IsKubernetes() bool { return strings.HasPrefix(r.Type, "kubernetes:") }

// IsAWS reports whether r is an AWS resource.
func (r Resource) IsAWS() bool { return strings.HasPrefix(r.Type, "aws:") }

// recorder is the resource monitor behind Render: it records what the
// program registers and answers with its inputs, plus the few outputs
// the cloud would compute (endpoints, the generated passwords).
type recorder struct {
	stack, project, region string

	mu        sync.Mutex
	resources []Resource
	outputs   map[string]any
}

// NewResource implements pulumi.MockResourceMonitor.
func (r *recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	res := Resource{
		Type:   args.TypeToken,
		Name:   args.Name,
		URN:    fmt.Sprintf("urn:pulumi:%s::%s::%s::%s", r.stack, r.project, args.TypeToken, args.Name),
		Inputs: plainMap(args.Inputs, false),
	}
	if rpc := args.RegisterRPC; rpc != nil {
		res.Dependencies, res.Version = slices.Clone(rpc.GetDependencies()), rpc.GetVersion()
	}
	r.mu.Lock()
	r.resources = append(r.resources, res)
	r.mu.Unlock()
	state := args.Inputs.Copy()
	// The cloud appends a unique suffix to a name prefix; offline it is left out.
	id, _ := res.Inputs["identifierPrefix"].(string)
	if args.TypeToken == "aws:rds/cluster:Cluster" {
		id, _ = res.Inputs["clusterIdentifierPrefix"].(string)
	}
	id = strings.TrimSuffix(id, "-")
	switch args.TypeToken {
	case "random:index/randomPassword:RandomPassword":
		state["result"] = resource.MakeSecret(resource.NewStringProperty("rendered-offline-" + args.Name))
	case "aws:rds/instance:Instance":
		state["address"] = resource.NewStringProperty(fmt.Sprintf("%s.rendered.%s.rds.amazonaws.com", id, r.region))
	case "aws:rds/cluster:Cluster":
		state["endpoint"] = resource.NewStringProperty(fmt.Sprintf("%s.cluster-rendered.%s.rds.amazonaws.com", id, r.region))
	}
	return args.Name + "-id", state, nil
}

// Call implements pulumi.MockResourceMonitor; the program calls no functions.
func (r *recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return nil, fmt.Errorf("render: the program called %s, which a rendering cannot answer offline", args.Token)
}

func (r *recorder) setOutput(name string, v any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.outputs[name] = v
}

// plainMap converts Pulumi property values to plain Go values, masking
// secrets leaf by leaf so a masked manifest keeps its shape.
func plainMap(m resource.PropertyMap, secret bool) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[string(k)] = plain(v, secret)
	}
	return out
}

func plain(v resource.PropertyValue, secret bool) any {
	switch {
	case v.IsSecret():
		return plain(v.SecretValue().Element, true)
	case v.IsOutput():
		o := v.OutputValue()
		if !o.Known {
			return "(known after up)"
		}
		return plain(o.Element, secret || o.Secret)
	case v.IsComputed():
		return "(known after up)"
	case v.IsObject():
		return plainMap(v.ObjectValue(), secret)
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = plain(e, secret)
		}
		return out
	case v.IsNull():
		return nil
	case secret:
		return Masked
	case v.IsNumber():
		f := v.NumberValue()
		if f == float64(int64(f)) {
			return int64(f)
		}
		return f
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	default:
		return v.V
	}
}
