package automation

import (
	"time"

	"github.com/prenv/prenv/stacks"
)

// dated returns env with the lifetime its stack or workspace already
// records, by one rule for every engine: the original creation time; an
// expiry from it (or, with fromUpdate, from this update) plus the TTL,
// never earlier than the expiry already recorded, so an extension
// outlives later updates; and an Extend option's expiry outright.
func dated(env stacks.Env, createdAt, expiresAt time.Time, fromUpdate bool, o options) stacks.Env {
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
	if !o.extendTo.IsZero() {
		env.ExpiresAt = o.extendTo.UTC().Truncate(time.Second)
	}
	return env
}
