package groups

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/prenv/prenv/internal/naming"
)

// Member is one PR of a group and the services its environment runs itself.
type Member struct {
	PR       int
	Services []string
}

// Plan is what a group routes.
type Plan struct {
	// Order lists the members' environments, the preferred one first, the
	// rest as given: for each service the first that runs it serves it.
	Order []string
	// Choice maps each service some member runs to the member serving it.
	Choice map[string]string
}

// Choose plans a group of members. Two members running one service are a
// conflict, refused naming the service and both PRs, unless prefer (a PR
// number, 0 for none) is one of them.
func Choose(members []Member, prefer int) (Plan, error) {
	prs := make([]int, 0, len(members))
	for _, m := range members {
		if slices.Contains(prs, m.PR) {
			return Plan{}, fmt.Errorf("PR %d is named twice: name each member once", m.PR)
		}
		prs = append(prs, m.PR)
	}
	if prefer != 0 && !slices.Contains(prs, prefer) {
		return Plan{}, fmt.Errorf("--prefer %d is not a member of the group: prefer one of its PRs, %v", prefer, prs)
	}
	sorted := slices.Clone(members)
	slices.SortStableFunc(sorted, func(a, b Member) int { // the preferred first, the rest as given
		switch {
		case a.PR == prefer && b.PR != prefer:
			return -1
		case b.PR == prefer && a.PR != prefer:
			return 1
		}
		return 0
	})
	plan := Plan{Choice: map[string]string{}}
	for _, m := range sorted {
		env := "pr-" + strconv.Itoa(m.PR)
		plan.Order = append(plan.Order, env)
		for _, svc := range m.Services {
			first, taken := plan.Choice[svc]
			switch {
			case !taken:
				plan.Choice[svc] = env
			case first != "pr-"+strconv.Itoa(prefer):
				return Plan{}, fmt.Errorf("service %s is run by both %s and %s: pass --prefer %s or --prefer %d to choose whose %s the group uses",
					svc, first, env, first[len("pr-"):], m.PR, svc)
			}
		}
	}
	return plan, nil
}

// PRs returns the PR numbers of a group's member environments, in order;
// names that are not pr-<n> are left out.
func PRs(order []string) []int {
	var prs []int
	for _, env := range order {
		if pr, ok := naming.PRFromEnv(env); ok {
			prs = append(prs, pr)
		}
	}
	return prs
}

// Join plans a group that takes in newcomer: the members keep their order
// (the first, as the preferred one, keeps the services it won), and a
// newcomer running a service the group already takes from a member is
// refused, naming both.
func Join(members []Member, newcomer Member) (Plan, error) {
	prefer := 0
	if len(members) > 0 {
		prefer = members[0].PR
	}
	plan, err := Choose(members, prefer)
	if err != nil {
		return Plan{}, err
	}
	for _, svc := range newcomer.Services {
		if owner, taken := plan.Choice[svc]; taken && owner != "pr-"+strconv.Itoa(newcomer.PR) {
			return Plan{}, fmt.Errorf("service %s is run by both %s, a member, and pr-%d: the group takes each service from one PR; run prenv group up with --prefer to choose", svc, owner, newcomer.PR)
		}
	}
	if slices.ContainsFunc(members, func(m Member) bool { return m.PR == newcomer.PR }) {
		return plan, nil
	}
	return Choose(append(slices.Clone(members), newcomer), prefer)
}
