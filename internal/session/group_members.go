package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/groups"
	"github.com/prenv/prenv/internal/naming"
	"github.com/prenv/prenv/stacks"
)

// JoinGroup adds s.Env, a PR's environment, to the group name, creating
// the group when it has none, as the Action does for a PR whose body or
// labels say "prenv-group: <name>". A member that runs a service another
// member runs is refused, naming both.
func (s *Session) JoinGroup(ctx context.Context, name string, progress io.Writer, opts ...automation.Option) (Group, error) {
	if err := s.checkGroups(); err != nil {
		return Group{}, err
	}
	if s.Env.PR == 0 {
		return Group{}, fmt.Errorf("only a PR's environment joins a group, not %s", s.Env.Name)
	}
	names, err := naming.ForGroup(s.Blueprint.Project, name)
	if err != nil {
		return Group{}, stacks.Input(err)
	}
	var prs []int
	existing, err := s.Groups(ctx)
	if err != nil {
		return Group{}, err
	}
	for _, g := range existing {
		if g.Name == name {
			prs = groups.PRs(g.Members)
		}
	}
	members, err := s.groupMembers(ctx, prs, true) // a member gone meanwhile is dropped
	if err != nil {
		return Group{}, err
	}
	self, err := s.groupMembers(ctx, []int{s.Env.PR}, false)
	if err != nil {
		return Group{}, err
	}
	plan, err := groups.Join(members, self[0])
	if err != nil {
		return Group{}, stacks.Input(fmt.Errorf("group %s: %w", name, err))
	}
	res, err := s.upGroup(ctx, names.Name, s.Env.Repo, plan, opts...)
	if err != nil {
		return Group{}, err
	}
	g := Group{Name: name, Env: names.Name, Members: plan.Order, URL: urlOutput(res.Outputs)}
	fmt.Fprintf(progress, "prenv: %s is in group %s: %s\n", s.Env.Name, name, g.URL)
	return g, s.routesFollow(ctx, names.Name, progress)
}

// AfterDestroy runs after a PR environment's destroy: the PR leaves every
// group it was in, and on the aws target the routes stack follows.
// `prenv destroy` and the Action's destroy and post steps call it.
func (s *Session) AfterDestroy(ctx context.Context, progress io.Writer) error {
	left := s.LeaveGroups(ctx, progress, automation.WaitForLock(RoutesWaitForLock),
		automation.MaxJobTime(automation.DefaultMaxJobTime), automation.Progress(progress))
	// The routes follow even when a group did not: they must not point at
	// the namespace just destroyed.
	return errors.Join(left, s.followRoutes(ctx, progress))
}

// LeaveGroups takes s.Env, a PR's environment, out of every group that
// names it, keeping the others' order: the group then routes the services
// it ran to the remaining members or the baseline. A group left with no
// member stays until it is destroyed or reaped.
func (s *Session) LeaveGroups(ctx context.Context, progress io.Writer, opts ...automation.Option) error {
	if s.Env.PR == 0 || s.checkGroups() != nil {
		return nil
	}
	list, err := s.Engine.List(ctx)
	if err != nil {
		return fmt.Errorf("find the groups of %s: %w", s.Env.Name, err)
	}
	var errs []error // every group is tried, whichever fails
	for _, st := range list {
		if _, ok := naming.GroupFromEnv(st.Name); !ok || !slices.Contains(st.Members, s.Env.Name) {
			continue
		}
		rest := slices.DeleteFunc(groups.PRs(st.Members), func(pr int) bool { return pr == s.Env.PR })
		plan, err := s.remaining(ctx, rest)
		if err == nil {
			_, err = s.upGroup(ctx, st.Name, st.Repo, plan, opts...)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s left, but group %s did not follow: %w; run prenv group up again", s.Env.Name, st.Name, err))
			continue
		}
		fmt.Fprintf(progress, "prenv: %s left group %s\n", s.Env.Name, st.Name)
	}
	return errors.Join(errs...)
}

// remaining plans a group of the members left, in their order, the first
// keeping the services it won; a member whose environment is gone is
// dropped.
func (s *Session) remaining(ctx context.Context, prs []int) (groups.Plan, error) {
	if len(prs) == 0 {
		return groups.Plan{}, nil
	}
	members, err := s.groupMembers(ctx, prs, true)
	if err != nil || len(members) == 0 {
		return groups.Plan{}, err
	}
	return groups.Choose(members, members[0].PR)
}
