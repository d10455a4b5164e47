package local

import (
	"context"
	"fmt"
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
	var db *stacks.Database
	if bp.HasDatabase() {
		db = &bp.Database
	}
	t, err := prepareMachine(ctx, s, db)
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
		if db != nil && s.Notices != nil {
			fmt.Fprintf(s.Notices, "prenv: database clone: %s\n", t.Clone)
		}
		// As a dead service is started again, so is a thin clone's
		// PostgreSQL: on its port, with its data.
		if pid, err := t.StartDatabase(ctx, bp, s.Env); err != nil {
			return nil, err
		} else if pid != 0 && s.Notices != nil {
			fmt.Fprintf(s.Notices, "prenv: started the stopped PostgreSQL of %s's database again (pid %d)\n", s.Env.Name, pid)
		}
	}
	return t, nil
}

// PrepareMachine starts (or finds) the PostgreSQL and the router the local
// target uses, and says where its state lives under s.Home. Its databases
// are template clones in that PostgreSQL.
func PrepareMachine(ctx context.Context, s stacks.Setup) (Target, error) {
	return prepareMachine(ctx, s, &stacks.Database{Clone: stacks.CloneTemplate})
}

// prepareMachine is PrepareMachine for db, the blueprint's database
// section: it resolves db.Clone, and starts the shared PostgreSQL for
// template clones. Without db (an application with no database) it starts
// no PostgreSQL.
func prepareMachine(ctx context.Context, s stacks.Setup, db *stacks.Database) (Target, error) {
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
		ThinDir:    m.ThinDir,
	}
	if db != nil {
		want := db.Clone
		if s.Env.SelfContained {
			// A self-contained environment builds its database from the
			// golden's source on the shared server: there is no golden
			// cluster to copy.
			want = stacks.CloneTemplate
		}
		if t.Clone, err = m.ChooseClone(want); err != nil {
			return t, err
		}
		t.Thin = db.Thin
	}
	if t.AdminURL == "" && db != nil {
		cluster := &pg.Cluster{Dir: m.ClusterDir}
		st, err := cluster.Status()
		if err != nil {
			return t, err
		}
		// Thin clones need no shared server; one that exists may still
		// hold template clones made before, which destroy must reach.
		if t.Clone.Method == stacks.CloneTemplate || st.Initialised {
			if t.AdminURL, err = cluster.Start(ctx); err != nil {
				return t, err
			}
		}
	}
	if err := ensureRouter(ctx, s, m); err != nil {
		return t, err
	}
	return t, nil
}
