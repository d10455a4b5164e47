// Package groups decides what a PR group routes: several pull requests'
// environments seen together under one routing key, grp-<name>, with the
// baseline for every service none of them runs.
//
// Choose settles which member serves each service and refuses two members
// that run the same service unless one is preferred; Marker reads the
// group a pull request asks to join ("prenv-group: <name>" in its body or
// labels) as data, validated as a DNS label.
//
//	plan, err := groups.Choose([]groups.Member{{PR: 12, Services: []string{"web"}}, {PR: 15, Services: []string{"orders"}}}, 0)
//	// plan.Order == ["pr-12", "pr-15"], plan.Choice == {web: pr-12, orders: pr-15}
package groups
