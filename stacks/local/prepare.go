package local

import (
	"context"
	"maps"

	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/stacks"
)

// Prepare readies this machine for the local target: PostgreSQL (the one
// PRENV_POSTGRES_URL names, or prenv's managed cluster) when the blueprint
// has a database, and the router. For up and preview it also fingerprints
// the services' sources and the migrations, so a change restarts exactly
// what it touched.
func Prepare(ctx context.Context, bp *stacks.Blueprint, s stacks.Setup) (stacks.Target, error) {
	// Terraform's provisioners re-read the salt on any operation, so the
	// local target needs it even for a destroy.
	salt, err := s.Salt()
	if err != nil {
		return nil, err
	}
	// A stub prenv cannot serve is refused before anything starts.
	var stubs map[string]string
	if s.Program {
		if stubs, err = stubRevisions(bp); err != nil {
			return nil, err
		}
	}
	t, err := prepareMachine(ctx, s, bp.HasDatabase())
	if err != nil {
		return nil, err
	}
	t.Salt, t.Changed = salt, s.Changed
	if s.Program {
		if t.Revisions, err = revisions(ctx, bp); err != nil {
			return nil, err
		}
		if t.Revisions == nil {
			t.Revisions = map[string]string{}
		}
		maps.Copy(t.Revisions, stubs)
		if t.MigrationsRevision, err = migrationsRevision(bp); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// PrepareMachine starts (or finds) the PostgreSQL and the router the local
// target uses, and says where its state lives under s.Home.
func PrepareMachine(ctx context.Context, s stacks.Setup) (Target, error) {
	return prepareMachine(ctx, s, true)
}

// prepareMachine is PrepareMachine; without withDatabase it starts no
// PostgreSQL, for an application that has no database.
func prepareMachine(ctx context.Context, s stacks.Setup, withDatabase bool) (Target, error) {
	m, err := Locate(s)
	if err != nil {
		return Target{}, err
	}
	t := Target{
		RoutesDir:  m.RoutesDir,
		LogsDir:    m.LogsDir,
		RouterPort: m.RouterPort,
		AdminURL:   m.PostgresURL,
		Golden:     s.Getenv("PRENV_GOLDEN"),
		Home:       s.Home,
		Binary:     s.Binary,
	}
	if t.AdminURL == "" && withDatabase {
		cluster := &pg.Cluster{Dir: m.ClusterDir}
		url, err := cluster.Start(ctx)
		if err != nil {
			return t, err
		}
		t.AdminURL = url
	}
	if err := ensureRouter(ctx, s, m); err != nil {
		return t, err
	}
	return t, nil
}
