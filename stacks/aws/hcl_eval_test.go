package aws_test

import (
	"fmt"
	"io/fs"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	"github.com/zclconf/go-cty/cty/gocty"

	"github.com/prenv/prenv/modules"
)

// unknownValue stands for what only an apply knows (an endpoint, a
// generated password), as Render's "(known after up)" does.
const unknownValue = "(known after up)"

// tfResource is one instance of a module's resource, evaluated offline:
// its type, name and key, and its attributes and blocks as plain values
// (a kubernetes_manifest's as its manifest).
type tfResource struct {
	Type, Name, Key string
	Body            map[string]any
}

// evaluateModule evaluates modules/<name> as Terraform would plan it with
// vars, without providers: every other resource's attributes are unknown.
// It knows the functions the module uses; an unknown one fails the test.
func evaluateModule(t *testing.T, name string, vars map[string]any) []tfResource {
	t.Helper()
	mod, err := modules.For(name)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := fs.Glob(mod, "*.tf")
	var bodies []*hclsyntax.Body
	for _, f := range files {
		src, _ := fs.ReadFile(mod, f)
		file, diags := hclsyntax.ParseConfig(src, f, hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("parse %s: %v", f, diags)
		}
		bodies = append(bodies, file.Body.(*hclsyntax.Body))
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{}, Functions: tfFunctions()}
	varVals, locals := map[string]cty.Value{}, map[string]hcl.Expression{}
	resourceTypes := map[string]cty.Value{}
	for _, body := range bodies {
		for _, b := range body.Blocks {
			switch b.Type {
			case "variable":
				varVals[b.Labels[0]] = variableValue(t, b, vars)
			case "locals":
				for n, a := range b.Body.Attributes {
					locals[n] = a.Expr
				}
			case "resource":
				resourceTypes[b.Labels[0]] = cty.DynamicVal
			}
		}
	}
	ctx.Variables["var"] = cty.ObjectVal(varVals)
	maps := func(m map[string]cty.Value) cty.Value { return cty.ObjectVal(m) }
	for k, v := range resourceTypes {
		ctx.Variables[k] = v
	}
	// Locals in dependency order: evaluate what can be, until all are.
	done := map[string]cty.Value{}
	for len(done) < len(locals) {
		progress := false
		var last hcl.Diagnostics
		for n, expr := range locals {
			if _, ok := done[n]; ok {
				continue
			}
			ctx.Variables["local"] = maps(done)
			v, diags := expr.Value(ctx)
			if diags.HasErrors() {
				last = diags
				continue
			}
			done[n], progress = v, true
		}
		if !progress {
			t.Fatalf("locals do not evaluate: %v", last)
		}
	}
	ctx.Variables["local"] = maps(done)
	var out []tfResource
	for _, body := range bodies {
		for _, b := range body.Blocks {
			if b.Type == "resource" {
				out = append(out, evaluateResource(t, ctx, b)...)
			}
		}
	}
	return out
}

// variableValue is var.<name>: the value given, converted to its declared
// type, or its default.
func variableValue(t *testing.T, b *hclsyntax.Block, vars map[string]any) cty.Value {
	t.Helper()
	ty := cty.DynamicPseudoType
	if a, ok := b.Body.Attributes["type"]; ok {
		var diags hcl.Diagnostics
		if ty, diags = typeexpr.TypeConstraint(a.Expr); diags.HasErrors() {
			t.Fatalf("variable %s type: %v", b.Labels[0], diags)
		}
	}
	given, ok := vars[b.Labels[0]]
	if !ok {
		a, ok := b.Body.Attributes["default"]
		if !ok {
			t.Fatalf("variable %s has no default and no value", b.Labels[0])
		}
		v, diags := a.Expr.Value(nil)
		if diags.HasErrors() {
			t.Fatalf("variable %s default: %v", b.Labels[0], diags)
		}
		given = v
	}
	v, ok := given.(cty.Value)
	if !ok {
		v = toCty(t, given)
	}
	converted, err := convert.Convert(v, ty)
	if err != nil {
		t.Fatalf("variable %s: %v", b.Labels[0], err)
	}
	return converted
}

// toCty turns a plain Go value into a cty value of its natural type.
func toCty(t *testing.T, v any) cty.Value {
	t.Helper()
	switch v := v.(type) {
	case nil:
		return cty.NullVal(cty.DynamicPseudoType)
	case map[string]any:
		m := map[string]cty.Value{}
		for k, e := range v {
			m[k] = toCty(t, e)
		}
		return cty.ObjectVal(m)
	case map[string]string:
		m := map[string]cty.Value{}
		for k, e := range v {
			m[k] = cty.StringVal(e)
		}
		return cty.ObjectVal(m)
	case []any:
		l := make([]cty.Value, len(v))
		for i, e := range v {
			l[i] = toCty(t, e)
		}
		return cty.TupleVal(l)
	case []string:
		l := make([]cty.Value, len(v))
		for i, e := range v {
			l[i] = cty.StringVal(e)
		}
		return cty.TupleVal(l)
	}
	ty, err := gocty.ImpliedType(v)
	if err != nil {
		t.Fatalf("variable value %v (%T): %v", v, v, err)
	}
	c, err := gocty.ToCtyValue(v, ty)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// evaluateResource expands a resource block's count or for_each.
func evaluateResource(t *testing.T, ctx *hcl.EvalContext, b *hclsyntax.Block) []tfResource {
	t.Helper()
	typ, name := b.Labels[0], b.Labels[1]
	one := func(key string, each, count cty.Value) tfResource {
		c := ctx.NewChild()
		c.Variables = map[string]cty.Value{"each": each, "count": count}
		return tfResource{Type: typ, Name: name, Key: key, Body: evaluateBody(t, c, b.Body, typ+"."+name)}
	}
	if a, ok := b.Body.Attributes["count"]; ok {
		v, diags := a.Expr.Value(ctx)
		if diags.HasErrors() {
			t.Fatalf("%s.%s count: %v", typ, name, diags)
		}
		n, _ := v.AsBigFloat().Int64()
		var out []tfResource
		for i := range n {
			out = append(out, one(fmt.Sprint(i), cty.NullVal(cty.DynamicPseudoType), cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(i)})))
		}
		return out
	}
	if a, ok := b.Body.Attributes["for_each"]; ok {
		v, diags := a.Expr.Value(ctx)
		if diags.HasErrors() {
			t.Fatalf("%s.%s for_each: %v", typ, name, diags)
		}
		var out []tfResource
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if v.Type().IsSetType() || v.Type().IsListType() || v.Type().IsTupleType() {
				k = e
			}
			out = append(out, one(k.AsString(), cty.ObjectVal(map[string]cty.Value{"key": k, "value": e}), cty.NullVal(cty.DynamicPseudoType)))
		}
		return out
	}
	return []tfResource{one("", cty.NullVal(cty.DynamicPseudoType), cty.NullVal(cty.DynamicPseudoType))}
}

// metaArguments are Terraform's, not the resource's.
var metaArguments = []string{"count", "for_each", "depends_on", "lifecycle", "timeouts", "wait", "provider"}

// evaluateBody evaluates a block's attributes and nested blocks; nested
// blocks become lists of objects, as Terraform's schemas have them.
func evaluateBody(t *testing.T, ctx *hcl.EvalContext, body *hclsyntax.Body, at string) map[string]any {
	t.Helper()
	out := map[string]any{}
	for n, a := range body.Attributes {
		if slices.Contains(metaArguments, n) {
			continue
		}
		v, diags := a.Expr.Value(ctx)
		if diags.HasErrors() {
			t.Fatalf("%s.%s: %v", at, n, diags)
		}
		out[n] = fromCty(v)
	}
	for _, b := range body.Blocks {
		if slices.Contains(metaArguments, b.Type) {
			continue
		}
		list, _ := out[b.Type].([]any)
		out[b.Type] = append(list, evaluateBody(t, ctx, b.Body, at+"."+b.Type))
	}
	return out
}

// fromCty turns a cty value into plain Go values; unknowns become
// unknownValue and whole numbers int64, as Render's values are.
func fromCty(v cty.Value) any {
	switch {
	case !v.IsKnown():
		return unknownValue
	case v.IsNull():
		return nil
	}
	v, _ = v.Unmark()
	ty := v.Type()
	switch {
	case ty == cty.String:
		return v.AsString()
	case ty == cty.Bool:
		return v.True()
	case ty == cty.Number:
		f := v.AsBigFloat()
		if i, acc := f.Int64(); acc == big.Exact {
			return i
		}
		x, _ := f.Float64()
		return x
	case ty.IsObjectType() || ty.IsMapType():
		m := map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			m[k.AsString()] = fromCty(e)
		}
		return m
	case ty.IsListType() || ty.IsTupleType() || ty.IsSetType():
		l := []any{}
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			l = append(l, fromCty(e))
		}
		return l
	}
	return fmt.Sprint(v)
}

// tfFunctions are the Terraform functions the module calls.
func tfFunctions() map[string]function.Function {
	return map[string]function.Function{
		"merge": stdlib.MergeFunc, "concat": stdlib.ConcatFunc, "distinct": stdlib.DistinctFunc,
		"values": stdlib.ValuesFunc, "keys": stdlib.KeysFunc, "length": stdlib.LengthFunc,
		"contains": stdlib.ContainsFunc, "split": stdlib.SplitFunc, "replace": stdlib.ReplaceFunc,
		"tostring": stdlib.MakeToFunc(cty.String), "try": tryfunc.TryFunc, "can": tryfunc.CanFunc,
		"one": function.New(&function.Spec{
			Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowDynamicType: true, AllowNull: true}},
			Type:   function.StaticReturnType(cty.DynamicPseudoType),
			Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
				l := args[0]
				if !l.IsKnown() || l.IsNull() || !l.CanIterateElements() {
					return cty.DynamicVal, nil
				}
				switch n := l.LengthInt(); n {
				case 0:
					return cty.NullVal(cty.DynamicPseudoType), nil
				case 1:
					return l.Index(cty.NumberIntVal(0)), nil
				default:
					return cty.NilVal, fmt.Errorf("one: %d elements", n)
				}
			},
		}),
	}
}

// camel turns a Terraform attribute name into its Pulumi input name.
func camel(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
