package automation

import (
	"time"

	"github.com/prenv/prenv/stacks"
)

// Outputs prenv adds to every stack, so that the environment's lifetime
// can be read from its state alone.
const (
	OutputCreatedAt = "prenv:created-at"
	OutputExpiresAt = "prenv:expires-at"
	OutputRepo      = "prenv:repo"
	// OutputMembers is a PR group's member environments, comma-separated,
	// so the reaper can tell a group whose members are all closed.
	OutputMembers = "prenv:members"
)

// Dated returns env with the lifetime its stack or workspace already
// records, by one rule for every engine: the original creation time; an
// expiry from it (or, with fromUpdate, from this update) plus the TTL,
// never earlier than the expiry already recorded, so an extension
// outlives later updates; and an Extend option's expiry outright.
func Dated(env stacks.Env, createdAt, expiresAt time.Time, fromUpdate bool, o Options) stacks.Env {
	if !createdAt.IsZero() {
		ttl := env.ExpiresAt.Sub(env.CreatedAt)
		env.CreatedAt = createdAt.UTC().Truncate(time.Second)
		if !fromUpdate {
			env.ExpiresAt = env.CreatedAt.Add(ttl)
		}
		if expiresAt.After(env.ExpiresAt) {
			env.ExpiresAt = expiresAt.UTC()
		}
	}
	if !o.ExtendTo.IsZero() {
		env.ExpiresAt = o.ExtendTo.UTC().Truncate(time.Second)
	}
	return env
}
