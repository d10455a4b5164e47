package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/stacks"
)

// Under database.clone: thin, ThinDir holds a directory per project: its
// golden cluster (golden/, stopped) and a copy of it per environment
// (pr-<n>/, baseline/), each run by a PostgreSQL of its own. readyFile
// marks a copy that was made in full, so only those are restarted.
const (
	thinGolden = "golden"
	readyFile  = "prenv-ready"
)

// thinGoldenDir and thinEnvDir are where project's golden cluster and
// env's copy of it live.
func (t Target) thinGoldenDir(project string) string {
	return filepath.Join(t.ThinDir, project, thinGolden)
}

func (t Target) thinEnvDir(project, env string) string {
	return filepath.Join(t.ThinDir, project, env)
}

// thinCluster is a thin clone's cluster, sized by its inputs.
func thinCluster(in DatabaseArgs) *pg.Cluster {
	return &pg.Cluster{Dir: in.ClusterDir, MaxConnections: in.MaxConnections, SharedBuffers: in.SharedBuffers, CopyOnWrite: true}
}

// createThinGolden builds the golden as a cluster of its own beside the
// old one (<ClusterDir>.next): loads the source, anonymises it whole, lets
// check judge it when given, stops it cleanly (so its copies start without
// recovery) and swaps it in. A failure leaves the old golden as it was;
// environments already copied from it keep their blocks either way.
func createThinGolden(ctx context.Context, in DatabaseArgs, check func(ctx context.Context, admin *pg.Admin, adminURL string) error) error {
	next := &pg.Cluster{Dir: in.ClusterDir + ".next"}
	if err := next.Remove(ctx); err != nil { // a killed build's
		return err
	}
	if err := os.MkdirAll(filepath.Dir(in.ClusterDir), 0o711); err != nil {
		return err
	}
	err := buildThinGolden(ctx, next, in, check)
	if err == nil {
		err = next.Stop(ctx)
	}
	if err == nil {
		err = (&pg.Cluster{Dir: in.ClusterDir}).Replace(next)
	}
	if err != nil {
		_ = next.Remove(context.Background())
	}
	return err
}

func buildThinGolden(ctx context.Context, next *pg.Cluster, in DatabaseArgs, check func(context.Context, *pg.Admin, string) error) error {
	url, err := next.Start(ctx)
	if err != nil {
		return err
	}
	admin, err := pg.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer admin.Close(context.Background())
	in.AdminURL = url
	if err := loadGolden(ctx, admin, in); err != nil {
		return err
	}
	if check != nil {
		if err := check(ctx, admin, url); err != nil {
			return err
		}
	}
	// Unfrozen rows get hint bits on their first read: in every copy, a
	// write of each page it reads, which would unshare the golden's blocks.
	return admin.Freeze(ctx, in.Name)
}

// createThinClone copies the golden cluster's files with reflinks, starts
// a PostgreSQL on the copy, renames the golden database to in.Name and
// gives it to the environment's role, then migrates and anonymises it as
// a template clone is. A failure removes the copy.
func createThinClone(ctx context.Context, in DatabaseArgs) (DatabaseState, error) {
	state := DatabaseState{DatabaseArgs: in}
	// A killed run may have left the copy half-made: start again.
	if err := (&pg.Cluster{Dir: in.ClusterDir}).Remove(ctx); err != nil {
		return state, err
	}
	if _, err := (&pg.Cluster{Dir: in.GoldenDir}).ThinCopy(in.ClusterDir); errors.Is(err, fs.ErrNotExist) {
		return state, fmt.Errorf("the golden cluster %s does not exist yet: bring the baseline up first (prenv up --env baseline)", in.GoldenDir)
	} else if err != nil {
		return state, err
	}
	c := thinCluster(in)
	discard := func() { _ = c.Remove(context.Background()) }
	adminURL, err := c.Start(ctx)
	if err != nil {
		discard()
		return state, err
	}
	admin, err := pg.Connect(ctx, adminURL)
	if err != nil {
		discard()
		return state, err
	}
	defer admin.Close(context.Background())
	password := secret()
	for _, step := range []func() error{
		func() error { return admin.Rename(ctx, in.Template, in.Name) },
		func() error { return admin.EnsureRole(ctx, in.Role, password) },
		func() error { return admin.SetOwner(ctx, in.Name, in.Role) },
	} {
		if err := step(); err != nil {
			discard()
			return state, fmt.Errorf("make %s the environment's: %w", in.ClusterDir, err)
		}
	}
	in.AdminURL = adminURL
	if state.URL, state.Applied, err = finishClone(ctx, admin, in, password, discard); err != nil {
		return state, err
	}
	if err := os.WriteFile(filepath.Join(in.ClusterDir, readyFile), nil, 0o600); err != nil {
		discard()
		return state, err
	}
	st, err := c.Status()
	state.PID = st.PID
	return state, err
}

// readThin reports a thin clone gone when its copy is (so the next up
// makes another), and its postmaster's pid, 0 when it has stopped.
func readThin(req infer.ReadRequest[DatabaseArgs, DatabaseState]) (infer.ReadResponse[DatabaseArgs, DatabaseState], error) {
	c := &pg.Cluster{Dir: req.State.ClusterDir}
	st, err := c.Status()
	if err != nil || !st.Initialised {
		return infer.ReadResponse[DatabaseArgs, DatabaseState]{}, err
	}
	state := req.State
	if !state.Golden {
		if _, err := os.Stat(filepath.Join(c.Dir, readyFile)); err != nil {
			return infer.ReadResponse[DatabaseArgs, DatabaseState]{}, nil // never finished
		}
		state.PID = st.PID
	}
	return infer.ReadResponse[DatabaseArgs, DatabaseState]{ID: req.ID, Inputs: req.Inputs, State: state}, nil
}

// deleteThin stops a thin clone's PostgreSQL and removes its copy; for
// the golden, the golden cluster and what a rebuild left beside it.
func deleteThin(ctx context.Context, in DatabaseArgs) error {
	if err := (&pg.Cluster{Dir: in.ClusterDir}).Remove(ctx); err != nil {
		return err
	}
	if in.Golden {
		if err := (&pg.Cluster{Dir: in.ClusterDir + ".next"}).Remove(ctx); err != nil {
			return err
		}
		lock := filepath.Join(filepath.Dir(in.ClusterDir), "."+filepath.Base(in.ClusterDir)+".lock")
		if err := os.Remove(lock); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	_ = os.Remove(filepath.Dir(in.ClusterDir)) // the project's directory, once empty
	return nil
}

// restartThin starts a thin clone's stopped PostgreSQL on the port its URL
// names, with in's sizes.
func restartThin(ctx context.Context, in DatabaseArgs) (int, error) {
	c := thinCluster(in)
	c.KeepPort = true
	if err := c.Stop(ctx); err != nil {
		return 0, err
	}
	if _, err := c.Start(ctx); err != nil {
		return 0, err
	}
	st, err := c.Status()
	return st.PID, err
}

// StartDatabase starts the PostgreSQL of env's thin clone when it has
// stopped (a crash, prenv local stop --force, a reboot), on the port its
// DATABASE_URL names, and returns its pid. It returns 0 when there was
// nothing to start: a template clone, a clone not made yet, or one that
// runs.
func (t Target) StartDatabase(ctx context.Context, bp *stacks.Blueprint, env stacks.Env) (int, error) {
	if t.Clone.Method != stacks.CloneThin || !bp.HasDatabase() {
		return 0, nil
	}
	in := t.thinArgs(bp, env)
	st, err := (&pg.Cluster{Dir: in.ClusterDir}).Status()
	if err != nil || st.Running || !st.Initialised {
		return 0, err
	}
	if _, err := os.Stat(filepath.Join(in.ClusterDir, readyFile)); err != nil {
		return 0, nil // half-made: the next create starts again
	}
	pid, err := restartThin(ctx, in)
	if err != nil {
		return 0, fmt.Errorf("restart the PostgreSQL of %s's database, which had stopped: %w", env.Name, err)
	}
	return pid, nil
}

// thinArgs are the thin-clone inputs of env's Database.
func (t Target) thinArgs(bp *stacks.Blueprint, env stacks.Env) DatabaseArgs {
	return DatabaseArgs{
		Clone: string(stacks.CloneThin), ClusterDir: t.thinEnvDir(bp.Project, env.Name), GoldenDir: t.thinGoldenDir(bp.Project),
		SharedBuffers: t.Thin.SharedBuffers, MaxConnections: t.Thin.MaxConnections,
	}
}
