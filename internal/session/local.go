package session

import (
	"context"
	"os"

	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/local"
)

// LocalMachine readies this machine's PostgreSQL and router for the local
// target, for commands that work on it outside an environment (prenv
// golden, and the resources modules/local runs).
func (h Host) LocalMachine(ctx context.Context) (local.Target, error) {
	home, err := h.Home()
	if err != nil {
		return local.Target{}, err
	}
	self, err := os.Executable()
	if err != nil {
		return local.Target{}, err
	}
	return local.PrepareMachine(ctx, stacks.Setup{Home: home, Getenv: h.Getenv, Notices: h.Notices, Binary: self})
}

// LocalTarget readies this machine's local target for bp outside an
// environment (prenv golden): the clone method database.clone resolves to
// here, the shared PostgreSQL when that is template, the router and the
// anonymisation salt.
func (h Host) LocalTarget(ctx context.Context, bp *stacks.Blueprint) (local.Target, error) {
	home, err := h.Home()
	if err != nil {
		return local.Target{}, err
	}
	self, err := os.Executable()
	if err != nil {
		return local.Target{}, err
	}
	t, err := local.Prepare(ctx, bp, stacks.Setup{Home: home, Getenv: h.Getenv, Notices: h.Notices, Binary: self,
		Salt: func() (string, error) { return h.Salt(bp, home) }})
	if err != nil {
		return local.Target{}, err
	}
	return t.(local.Target), nil
}

// LocateLocal says where this machine's local target lives, starting
// nothing, for prenv local status and stop.
func (h Host) LocateLocal() (local.Machine, error) {
	home, err := h.Home()
	if err != nil {
		return local.Machine{}, err
	}
	return local.Locate(stacks.Setup{Home: home, Getenv: h.Getenv})
}
