package stacks

import (
	"fmt"
	"time"

	"github.com/prenv/prenv/internal/naming"
)

// BaselineName is the name of the shared, stable environment.
const BaselineName = naming.Baseline

// Env is one environment of a blueprint: a PR's or the baseline.
type Env struct {
	naming.Names

	Project   string
	Repo      string    // owner/name, recorded for the reaper
	SHA       string    // commit the environment was built from
	Owner     string    // who asked for it (the PR author or the local user)
	CreatedAt time.Time // when the stack was first created
	ExpiresAt time.Time // when the reaper may remove it
	// Config is extra stack config ("namespace:key" or "key" for the
	// project's namespace), such as the Action's config-map.
	Config map[string]string
	// SecretConfig is extra stack config kept encrypted, as Pulumi's
	// secret config is; its keys are Config's kind, and not in Config.
	SecretConfig map[string]string
	// SelfContained marks an environment that borrows nothing from a
	// baseline, for one that lives only within a CI job, where no baseline
	// runs: it runs every service itself, shared ones included, and its
	// database is built from the golden's source rather than cloned from a
	// golden a baseline built.
	SelfContained bool
	// Members, for a PR group (grp-<name>), are its members' environments
	// in the order the group takes services from them: each service from
	// the first that runs it, else from the baseline.
	Members []string
	// Choice, for a PR group, maps each service a member runs to the
	// member the group takes it from.
	Choice map[string]string
}

// EnvOptions are the facts a caller knows about the environment it wants.
type EnvOptions struct {
	PR    int    // PR number; 0 with Name "baseline" for the baseline
	Name  string // "pr-<n>" or "baseline"; used when PR is 0
	Repo  string
	SHA   string
	Owner string
	Now   time.Time // defaults to time.Now()
}

// NewEnv derives the environment the options name. Its expiry is now plus
// the blueprint's TTL; the engine keeps the original creation time of an
// existing stack.
func NewEnv(bp *Blueprint, o EnvOptions) (Env, error) {
	var (
		n   naming.Names
		err error
	)
	switch {
	case o.PR != 0:
		n, err = naming.ForPR(bp.Project, o.PR)
	case o.Name != "":
		n, err = naming.ForEnv(bp.Project, o.Name)
	default:
		err = fmt.Errorf("no environment given: pass --pr N or --env NAME")
	}
	if err != nil {
		return Env{}, err
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Second)
	return Env{
		Names:     n,
		Project:   bp.Project,
		Repo:      o.Repo,
		SHA:       o.SHA,
		Owner:     o.Owner,
		CreatedAt: now,
		ExpiresAt: now.Add(bp.TTL.Duration),
	}, nil
}
