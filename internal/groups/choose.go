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
	// Order lists the members' environments, the preferred one first, then
	// by PR number: for each service the first that runs it serves it.
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
	slices.SortFunc(sorted, func(a, b Member) int {
		switch {
		case a.PR == prefer:
			return -1
		case b.PR == prefer:
			return 1
		}
		return a.PR - b.PR
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
