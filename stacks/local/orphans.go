package local

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/prenv/prenv/internal/naming"
	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/internal/proc"
)

// Orphan is something the local target made for a PR environment whose
// stack no longer exists: what a run killed before it could record it, or
// state deleted by hand, leaves behind.
type Orphan struct {
	Kind    string // database, role, clone, route, logs or process
	Name    string // the database, role, file, directory (a clone's too) or pid
	Env     string // the pr-<n> environment it was made for
	Started uint64 // a process's start time, so a reused pid is not it
}

// Key identifies the orphan across reaps, for its grace period.
func (o Orphan) Key() string {
	if o.Kind == "process" {
		return fmt.Sprintf("%s:%s:%d", o.Kind, o.Name, o.Started)
	}
	return o.Kind + ":" + o.Name
}

// Orphans lists what the local target holds for project's PR environments
// that are not in live, the names of the project's stacks. It recognises
// only prenv's own names: databases and roles prenv_<project>_pr_<n>,
// thin clones <ThinDir>/<project>/pr-<n>, and pr-<n> routes, log
// directories and service processes under this target's directories (a
// prenv home serves one project's environments).
func (t Target) Orphans(ctx context.Context, project string, live []string) ([]Orphan, error) {
	orphaned := func(env string) bool {
		_, isPR := naming.PRFromEnv(env)
		return isPR && !slices.Contains(live, env)
	}
	var found []Orphan
	if t.AdminURL != "" { // "": a stateless application, whose run started no PostgreSQL
		dbs, err := t.databaseOrphans(ctx, project, orphaned)
		if err != nil {
			return nil, err
		}
		found = dbs
	}
	if t.ThinDir != "" {
		clones, _ := filepath.Glob(filepath.Join(t.ThinDir, project, "pr-*"))
		for _, d := range clones {
			if env := filepath.Base(d); orphaned(env) {
				found = append(found, Orphan{Kind: "clone", Name: d, Env: env})
			}
		}
	}
	routes, _ := filepath.Glob(filepath.Join(t.RoutesDir, "pr-*.json"))
	for _, f := range routes {
		if env := strings.TrimSuffix(filepath.Base(f), ".json"); orphaned(env) {
			found = append(found, Orphan{Kind: "route", Name: f, Env: env})
		}
	}
	logs, _ := filepath.Glob(filepath.Join(t.LogsDir, "pr-*"))
	for _, d := range logs {
		if env := filepath.Base(d); orphaned(env) {
			found = append(found, Orphan{Kind: "logs", Name: d, Env: env})
		}
	}
	markerPrefix := serviceMarker + "=" + filepath.Clean(t.LogsDir) + string(filepath.Separator)
	for _, pid := range proc.WithEnv(func(e string) bool { return strings.HasPrefix(e, markerPrefix) }) {
		rest, _ := strings.CutPrefix(markerOf(pid), markerPrefix)
		if env, _, _ := strings.Cut(rest, string(filepath.Separator)); orphaned(env) {
			started, err := proc.StartTime(pid)
			if err != nil {
				continue // gone since it was listed
			}
			found = append(found, Orphan{Kind: "process", Name: fmt.Sprint(pid), Env: env, Started: started})
		}
	}
	return found, nil
}

// databaseOrphans lists the project's PR databases and roles whose
// environment orphaned says is gone.
func (t Target) databaseOrphans(ctx context.Context, project string, orphaned func(env string) bool) ([]Orphan, error) {
	admin, err := pg.Connect(ctx, t.AdminURL)
	if err != nil {
		return nil, err
	}
	defer admin.Close(context.Background())
	var found []Orphan
	prefix := "prenv_" + snake(project) + "_pr_"
	for kind, list := range map[string]func(context.Context, string) ([]string, error){"database": admin.Databases, "role": admin.Roles} {
		names, err := list(ctx, prefix)
		if err != nil {
			return nil, fmt.Errorf("list %ss: %w", kind, err)
		}
		for _, name := range names {
			if env := "pr-" + strings.TrimPrefix(name, prefix); orphaned(env) {
				found = append(found, Orphan{Kind: kind, Name: name, Env: env})
			}
		}
	}
	return found, nil
}

// markerOf returns pid's PRENV_SERVICE entry, or "".
func markerOf(pid int) string {
	environ, _ := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	for _, e := range strings.Split(string(environ), "\x00") {
		if strings.HasPrefix(e, serviceMarker+"=") {
			return e
		}
	}
	return ""
}

// Sweep deletes orphans: it stops processes first, then stops and
// removes thin clones, drops databases before their roles, and removes
// routes and log directories. It goes on past a failure and returns every
// error.
func (t Target) Sweep(ctx context.Context, orphans []Orphan) []error {
	order := map[string]int{"process": 0, "clone": 1, "route": 2, "database": 3, "role": 4, "logs": 5}
	orphans = slices.Clone(orphans)
	slices.SortStableFunc(orphans, func(a, b Orphan) int { return order[a.Kind] - order[b.Kind] })
	var errs []error
	var admin *pg.Admin
	for _, o := range orphans {
		var err error
		switch o.Kind {
		case "process":
			var pid int
			fmt.Sscan(o.Name, &pid)                  //nolint:errcheck // Orphans wrote it
			stopGroup(pid, o.Started, 5*time.Second) // a no-op if the pid is another process now
		case "clone":
			err = (&pg.Cluster{Dir: o.Name}).Remove(ctx)
			_ = os.Remove(filepath.Dir(o.Name)) // the project's directory, once empty
		case "route":
			err = os.Remove(o.Name)
		case "logs":
			err = os.RemoveAll(o.Name)
		case "database", "role":
			if admin == nil {
				if admin, err = pg.Connect(ctx, t.AdminURL); err != nil {
					break
				}
				defer admin.Close(context.Background())
			}
			if o.Kind == "database" {
				err = admin.DropDatabase(ctx, o.Name)
			} else {
				err = admin.DropRole(ctx, o.Name)
			}
		}
		if err != nil && !os.IsNotExist(err) {
			errs = append(errs, fmt.Errorf("delete orphaned %s %s of %s: %w", o.Kind, o.Name, o.Env, err))
		}
	}
	return errs
}
