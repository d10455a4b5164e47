package local

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/internal/router"
	"github.com/prenv/prenv/stacks"
)

// Target is the local target, configured by the command line with where
// this machine keeps its state.
type Target struct {
	AdminURL   string // superuser URL of the PostgreSQL to use
	RoutesDir  string // the router's routes directory
	LogsDir    string // parent of each environment's logs directory
	RouterPort int    // where the router listens, for URLs
	// Changed lists the files a PR changed, repository-relative. In
	// sandbox mode a PR environment runs only the services they touch.
	Changed []string
	// Revisions fingerprint each service's source files, by service name;
	// a service whose revision changes is restarted.
	Revisions map[string]string
	// MigrationsRevision fingerprints the blueprint's migrations.
	MigrationsRevision string
	// Golden, when set (PRENV_GOLDEN), replaces the blueprint's
	// database.golden for this run: a SQL file or a postgres:// URL.
	Golden string
	// Salt keys the deterministic anonymisation transformers.
	Salt string
	// Home is prenv's own directory, where plugin links are kept.
	Home string
	// Binary is the prenv executable, which the Terraform module's
	// provisioners run.
	Binary string
	// Clone is how environments' databases are cloned from the golden:
	// thin, or template (also when zero).
	Clone CloneChoice
	// ThinDir holds the thin clones' clusters; Thin sizes each one's
	// PostgreSQL.
	ThinDir string
	Thin    stacks.Thin
}

// Name implements stacks.Target.
func (Target) Name() stacks.TargetName { return stacks.TargetLocal }

// GoldenName is the template database every environment of project is
// cloned from, and ObjectsOwner the role that owns the objects in it.
func GoldenName(project string) string   { return "prenv_" + snake(project) + "_golden" }
func ObjectsOwner(project string) string { return "prenv_" + snake(project) + "_objects" }

func snake(s string) string { return strings.ReplaceAll(s, "-", "_") }

// URL is the router address of env's service svc, or of its entry when
// svc is "".
func (t Target) URL(env, svc string) string {
	host := env + ".localhost"
	if svc != "" {
		host = svc + "." + host
	}
	return fmt.Sprintf("http://%s:%d", host, t.RouterPort)
}

// GoldenSource is the blueprint's golden, a file resolved against the
// blueprint's directory or a database URL, unless Golden overrides it.
func (t Target) GoldenSource(bp *stacks.Blueprint) string {
	source := bp.Database.Golden
	if t.Golden != "" {
		source = t.Golden
	}
	if IsDatabaseURL(source) {
		return source
	}
	return bp.Resolve(source)
}

// upstream is the address a service calls another by: the router's path
// form, which any HTTP client can reach and which keeps the routing key's
// fallbacks to the baseline.
func (t Target) upstream(env, svc string) string {
	return fmt.Sprintf("http://127.0.0.1:%d%s%s/%s", t.RouterPort, router.PathPrefix, env, svc)
}

// Program implements stacks.Target. A blueprint without a database gets
// none: no golden, no clone, and services without DATABASE_URL.
func (t Target) Program(bp *stacks.Blueprint, env stacks.Env) pulumi.RunFunc {
	if env.IsGroup() {
		return t.groupProgram(bp, env)
	}
	return func(ctx *pulumi.Context) error {
		var db *databaseResource
		if bp.HasDatabase() {
			var err error
			if db, err = t.database(ctx, bp, env); err != nil {
				return err
			}
		}
		urls, logs, running := pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringArray{}
		for _, s := range t.running(bp, env) {
			running = append(running, pulumi.String(s.Name))
			environ := pulumi.StringMap{}
			if db != nil {
				environ["DATABASE_URL"] = db.URL
			}
			for k, v := range t.ServiceEnv(bp, env, s) {
				environ[k] = pulumi.String(v)
			}
			svc, err := newService(ctx, s.Name, pulumi.Map{
				"env":         pulumi.String(env.Name),
				"name":        pulumi.String(s.Name),
				"command":     pulumi.String(t.command(bp, s)),
				"dir":         pulumi.String(bp.AbsDir()),
				"environment": environ,
				"health":      pulumi.String(s.Health),
				"logDir":      pulumi.String(filepath.Join(t.LogsDir, env.Name, "logs")),
				"revision":    pulumi.String(t.Revisions[s.Name]),
			})
			if err != nil {
				return err
			}
			urls[s.Name], logs[s.Name] = svc.URL, svc.Log
			ctx.Export("url:"+s.Name, pulumi.String(t.URL(env.Name, s.Name)))
		}
		if _, err := newRoute(ctx, "route", pulumi.Map{
			"routesDir":  pulumi.String(t.RoutesDir),
			"env":        pulumi.String(env.Name),
			"entry":      pulumi.String(entryName(bp)),
			"urls":       urls,
			"logs":       logs,
			"routerAddr": pulumi.String(fmt.Sprintf("127.0.0.1:%d", t.RouterPort)),
		}); err != nil {
			return err
		}
		ctx.Export("url", pulumi.String(t.URL(env.Name, "")))
		ctx.Export("services", running)
		if db != nil {
			ctx.Export("database", pulumi.String(env.Database))
			ctx.Export("databaseUrl", db.URL)
		}
		return nil
	}
}

// database creates env's database, cloned from the golden, and for the
// baseline the golden itself; a self-contained environment's is built
// from the golden's source instead.
func (t Target) database(ctx *pulumi.Context, bp *stacks.Blueprint, env stacks.Env) (*databaseResource, error) {
	var deps []pulumi.Resource
	if env.Name == stacks.BaselineName {
		goldenArgs := pulumi.Map{
			"adminUrl":     pulumi.ToSecret(pulumi.String(t.AdminURL)),
			"name":         pulumi.String(GoldenName(bp.Project)),
			"objectsOwner": pulumi.String(ObjectsOwner(bp.Project)),
			"golden":       pulumi.Bool(true),
			"source":       pulumi.ToSecret(pulumi.String(t.GoldenSource(bp))),
			"anonymize":    pulumi.String(AnonymizationOf(bp)),
			"salt":         pulumi.ToSecret(pulumi.String(t.Salt)),
		}
		if t.Clone.Method == stacks.CloneThin {
			goldenArgs["adminUrl"] = pulumi.ToSecret(pulumi.String(""))
			goldenArgs["clone"] = pulumi.String(stacks.CloneThin)
			goldenArgs["clusterDir"] = pulumi.String(t.thinGoldenDir(bp.Project))
		}
		golden, err := newDatabase(ctx, "golden", goldenArgs)
		if err != nil {
			return nil, err
		}
		deps = append(deps, golden)
	}
	dbArgs := pulumi.Map{
		"adminUrl":     pulumi.ToSecret(pulumi.String(t.AdminURL)),
		"name":         pulumi.String(env.Database),
		"role":         pulumi.String(env.Role),
		"template":     pulumi.String(GoldenName(bp.Project)),
		"objectsOwner": pulumi.String(ObjectsOwner(bp.Project)),
		"anonymize":    pulumi.String(AnonymizationOf(bp)),
		"salt":         pulumi.ToSecret(pulumi.String(t.Salt)),
	}
	if buildsOwnDatabase(env) {
		delete(dbArgs, "template")
		dbArgs["source"] = pulumi.ToSecret(pulumi.String(t.GoldenSource(bp)))
	} else if t.Clone.Method == stacks.CloneThin {
		thin := t.thinArgs(bp, env)
		dbArgs["adminUrl"] = pulumi.ToSecret(pulumi.String(""))
		dbArgs["clone"] = pulumi.String(thin.Clone)
		dbArgs["clusterDir"] = pulumi.String(thin.ClusterDir)
		dbArgs["goldenDir"] = pulumi.String(thin.GoldenDir)
		dbArgs["sharedBuffers"] = pulumi.String(thin.SharedBuffers)
		dbArgs["maxConnections"] = pulumi.Int(thin.MaxConnections)
	}
	if bp.Database.Migrations != "" {
		dbArgs["migrations"] = pulumi.String(bp.Resolve(bp.Database.Migrations))
		dbArgs["migrationsRevision"] = pulumi.String(t.MigrationsRevision)
	}
	if bp.Database.Migrate != "" {
		dbArgs["migrate"] = pulumi.String(bp.Database.Migrate)
		dbArgs["dir"] = pulumi.String(bp.AbsDir())
	}
	return newDatabase(ctx, "db", dbArgs, pulumi.DependsOn(deps))
}

// buildsOwnDatabase reports whether env's database is built from the
// golden's source rather than cloned: a self-contained environment has no
// baseline to build the golden. The baseline builds the golden either way.
func buildsOwnDatabase(env stacks.Env) bool {
	return env.SelfContained && env.Name != stacks.BaselineName
}

// running lists the services env runs itself. The baseline runs them all.
// Otherwise shared services are the baseline's, and in sandbox mode so is
// every service the PR did not change; the router sends their requests to
// the baseline.
func (t Target) running(bp *stacks.Blueprint, env stacks.Env) []stacks.Service {
	var out []stacks.Service
	for _, s := range bp.Services {
		if bp.RunsOwn(s, env, t.Changed) {
			out = append(out, s)
		}
	}
	return out
}

// ServiceEnv is the environment service s of env runs with, besides its
// DATABASE_URL and PORT: PRENV_ENV, every service's <NAME>_URL through the
// router, and the blueprint's env for s.
func (t Target) ServiceEnv(bp *stacks.Blueprint, env stacks.Env, s stacks.Service) map[string]string {
	environ := map[string]string{"PRENV_ENV": env.Name}
	for _, other := range bp.Services {
		environ[upstreamVar(other.Name)] = t.upstream(env.Name, other.Name)
	}
	for k, v := range s.Env {
		environ[k] = v
	}
	return environ
}

// upstreamVar is the variable that gives a service another's URL, e.g.
// ORDERS_URL.
func upstreamVar(service string) string {
	return strings.ToUpper(strings.ReplaceAll(service, "-", "_")) + "_URL"
}
