// Package policy judges an environment's planned resources with Rego
// rules, through Open Policy Agent, before any up.
//
// prenv's own rules (rules/prenv.rego) refuse a public LoadBalancer
// Service that is not annotated as allowed, a database restored from a
// snapshot outside the allow-list, an instance class outside its list, an
// AWS resource without the prenv:expires-at tag, and a namespace without a
// default-deny NetworkPolicy. A team adds its own .rego files: deny rules
// in package prenv.policy, each yielding a message or an object with rule,
// resource and msg.
//
//	p, err := policy.New(ctx, teamFiles...)
//	if err != nil {
//		return err
//	}
//	violations, err := p.Evaluate(ctx, policy.Input{Resources: planned, AllowedSnapshots: allowed})
//	for _, v := range violations {
//		fmt.Println(v) // policy default-deny: namespace pr-7 has no default-deny NetworkPolicy ...
//	}
package policy
