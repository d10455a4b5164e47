package policy

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/rego"
)

//go:embed rules/prenv.rego
var builtin string

// Input is what the rules judge.
type Input struct {
	Resources              []Resource `json:"resources"`
	AllowedSnapshots       []string   `json:"allowedSnapshots"`
	AllowedInstanceClasses []string   `json:"allowedInstanceClasses"`
	AllowPublic            bool       `json:"allowPublic"` // policy.allow-public: a host may be open to anyone
}

// Resource is one planned resource: its Pulumi type token, logical name
// and inputs (secrets masked), as prenv render shows it.
type Resource struct {
	Type   string         `json:"type"`
	Name   string         `json:"name"`
	Inputs map[string]any `json:"inputs"`
}

// Violation is one broken rule.
type Violation struct {
	Rule     string // e.g. default-deny, or "custom" for a bare message
	Resource string // the resource's logical name, if the rule names one
	Msg      string
}

// String is the violation on one line.
func (v Violation) String() string {
	if v.Resource == "" {
		return fmt.Sprintf("policy %s: %s", v.Rule, v.Msg)
	}
	return fmt.Sprintf("policy %s: %s %s", v.Rule, v.Resource, v.Msg)
}

// Policy is prenv's rules plus a team's, compiled once.
type Policy struct {
	query rego.PreparedEvalQuery
}

// New compiles prenv's rules and the .rego files given. A file that does
// not compile is refused with the compiler's message.
func New(ctx context.Context, files ...string) (*Policy, error) {
	opts := []func(*rego.Rego){rego.Query("data.prenv.policy.deny"), rego.Module("prenv.rego", builtin)}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read policy %s: %w; fix aws.policies in the blueprint", f, err)
		}
		opts = append(opts, rego.Module(f, string(src)))
	}
	q, err := rego.New(opts...).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("compile the policies: %w", err)
	}
	return &Policy{query: q}, nil
}

// Evaluate returns every violation of in, sorted by rule and resource.
func (p *Policy) Evaluate(ctx context.Context, in Input) ([]Violation, error) {
	rs, err := p.query.Eval(ctx, rego.EvalInput(in))
	if err != nil {
		return nil, fmt.Errorf("evaluate the policies: %w", err)
	}
	var out []Violation
	for _, r := range rs {
		for _, e := range r.Expressions {
			deny, ok := e.Value.([]any)
			if !ok {
				return nil, fmt.Errorf("data.prenv.policy.deny is %T, not a set: write `deny contains msg if { ... }`", e.Value)
			}
			for _, d := range deny {
				out = append(out, violationOf(d))
			}
		}
	}
	slices.SortFunc(out, func(a, b Violation) int {
		return strings.Compare(a.Rule+"\x00"+a.Resource+"\x00"+a.Msg, b.Rule+"\x00"+b.Resource+"\x00"+b.Msg)
	})
	return out, nil
}

// violationOf reads one deny entry: a message, or {rule, resource, msg}.
func violationOf(d any) Violation {
	m, ok := d.(map[string]any)
	if !ok {
		return Violation{Rule: "custom", Msg: fmt.Sprint(d)}
	}
	str := func(k string) string { s, _ := m[k].(string); return s }
	v := Violation{Rule: str("rule"), Resource: str("resource"), Msg: str("msg")}
	if v.Rule == "" {
		v.Rule = "custom"
	}
	if v.Msg == "" {
		v.Msg = fmt.Sprint(d)
	}
	return v
}
