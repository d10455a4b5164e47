package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/groups"
	"github.com/prenv/prenv/internal/naming"
	"github.com/prenv/prenv/stacks"
)

// GroupOptions say what a group's up makes.
type GroupOptions struct {
	// Name is the group's name; its environment is grp-<Name>.
	Name string
	// PRs are its members: each must have an environment.
	PRs []int
	// Prefer, when not 0, is the member whose version of a service two
	// members run the group takes.
	Prefer int
	// Repo is the repository the group's stack records, for the reaper.
	Repo string
}

// Group is a PR group as its stack records it.
type Group struct {
	Name    string   `json:"name"`
	Env     string   `json:"env"`     // grp-<name>
	Members []string `json:"members"` // pr-<n>, in the order services are taken from them
	URL     string   `json:"url,omitempty"`
}

// checkGroups refuses PR groups where they cannot be kept: a group's stack
// is a Pulumi program, and its routes the local router's or the aws
// target's sandbox routes.
func (s *Session) checkGroups() error {
	bp := s.Blueprint
	switch {
	case bp.Engine != stacks.EnginePulumi:
		return stacks.Input(fmt.Errorf("PR groups need engine: pulumi, and this blueprint uses %s: set engine: pulumi", bp.Engine))
	case bp.Target == stacks.TargetAWS && !s.SandboxRoutes():
		return stacks.Input(errors.New("PR groups on the aws target route through the sandbox routes stack: set routing.mode: sandbox"))
	case bp.Target != stacks.TargetLocal && bp.Target != stacks.TargetAWS:
		return stacks.Input(fmt.Errorf("PR groups route requests, which the %s target does not: use target: local or aws", bp.Target))
	}
	return nil
}

// GroupUp creates or updates the group o names with exactly o's members,
// after checking that each has an environment and that no two run one
// service unless o.Prefer settles it. On the aws target the routes stack
// follows.
func (s *Session) GroupUp(ctx context.Context, o GroupOptions, progress io.Writer, opts ...automation.Option) (Group, automation.Result, error) {
	if err := s.checkGroups(); err != nil {
		return Group{}, automation.Result{}, err
	}
	names, err := naming.ForGroup(s.Blueprint.Project, o.Name)
	if err != nil {
		return Group{}, automation.Result{}, stacks.Input(err)
	}
	if len(o.PRs) == 0 {
		return Group{}, automation.Result{}, stacks.Input(fmt.Errorf("group %s has no members: name them, for example --pr 12 --pr 15", o.Name))
	}
	members, err := s.groupMembers(ctx, o.PRs, false)
	if err != nil {
		return Group{}, automation.Result{}, err
	}
	plan, err := groups.Choose(members, o.Prefer)
	if err != nil {
		return Group{}, automation.Result{}, stacks.Input(fmt.Errorf("group %s: %w", o.Name, err))
	}
	res, err := s.upGroup(ctx, names.Name, o.Repo, plan, opts...)
	if err != nil {
		return Group{}, res, err
	}
	g := Group{Name: o.Name, Env: names.Name, Members: plan.Order, URL: urlOutput(res.Outputs)}
	return g, res, s.routesFollow(ctx, names.Name, progress)
}

// upGroup brings env, a group, up as plan says.
func (s *Session) upGroup(ctx context.Context, env, repo string, plan groups.Plan, opts ...automation.Option) (automation.Result, error) {
	e, err := stacks.NewEnv(s.Blueprint, stacks.EnvOptions{Name: env, Repo: repo})
	if err != nil {
		return automation.Result{}, stacks.Input(err)
	}
	e.Members, e.Choice = plan.Order, plan.Choice
	if e.Members == nil {
		e.Members = []string{}
	}
	return s.Engine.Up(ctx, e, opts...)
}

// groupMembers reads the services each PR's environment runs itself. A PR
// without an environment is refused, or with skipMissing left out.
func (s *Session) groupMembers(ctx context.Context, prs []int, skipMissing bool) ([]groups.Member, error) {
	list, err := s.Engine.List(ctx)
	if err != nil {
		return nil, err
	}
	var members []groups.Member
	for _, pr := range prs {
		env, err := stacks.NewEnv(s.Blueprint, stacks.EnvOptions{PR: pr})
		if err != nil {
			return nil, stacks.Input(err)
		}
		if !slices.ContainsFunc(list, func(st automation.StackInfo) bool { return st.Name == env.Name }) {
			if skipMissing {
				continue
			}
			return nil, stacks.Input(fmt.Errorf("%s has no environment in project %s: run prenv up --pr %d first", env.Name, s.Blueprint.Project, pr))
		}
		outs, err := s.Engine.Outputs(ctx, env)
		if err != nil {
			return nil, fmt.Errorf("read the services of %s: %w", env.Name, err)
		}
		members = append(members, groups.Member{PR: pr, Services: servicesOutput(outs["services"].Value)})
	}
	return members, nil
}

// GroupDestroy destroys a group's stack; its members are left alone.
func (s *Session) GroupDestroy(ctx context.Context, name string, progress io.Writer, opts ...automation.Option) (automation.Result, error) {
	names, err := naming.ForGroup(s.Blueprint.Project, name)
	if err != nil {
		return automation.Result{}, stacks.Input(err)
	}
	env, err := stacks.NewEnv(s.Blueprint, stacks.EnvOptions{Name: names.Name})
	if err != nil {
		return automation.Result{}, stacks.Input(err)
	}
	res, err := s.Engine.Destroy(ctx, env, append(opts, automation.Remove())...)
	if err != nil {
		return res, err
	}
	return res, s.routesFollow(ctx, names.Name, progress)
}

// Groups lists the project's PR groups, by name.
func (s *Session) Groups(ctx context.Context) ([]Group, error) {
	list, err := s.Engine.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []Group
	for _, st := range list {
		if name, ok := naming.GroupFromEnv(st.Name); ok {
			out = append(out, Group{Name: name, Env: st.Name, Members: st.Members, URL: st.URL})
		}
	}
	slices.SortFunc(out, func(a, b Group) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// urlOutput reads a stack's url output.
func urlOutput(outs map[string]automation.Output) string {
	u, _ := outs["url"].Value.(string)
	return u
}

// routesFollow updates the aws target's routes stack, in sandbox mode,
// after env (a PR or a group) changed; other targets route by themselves.
func (s *Session) routesFollow(ctx context.Context, env string, progress io.Writer) error {
	if !s.SandboxRoutes() {
		return nil
	}
	_, res, err := s.SyncRoutes(ctx, automation.WaitForLock(RoutesWaitForLock),
		automation.MaxJobTime(automation.DefaultMaxJobTime), automation.Progress(progress))
	for _, line := range res.Recovered {
		fmt.Fprintln(progress, "prenv: recovered: "+line)
	}
	if err != nil {
		return fmt.Errorf("%s changed, but the routes stack did not follow: %w; run prenv routes", env, err)
	}
	fmt.Fprintln(progress, "prenv: updated the sandbox routes")
	return nil
}
