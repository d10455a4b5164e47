package local

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/stacks"
)

// Database is an environment's database, owned by the environment's own
// login role: a file copy of the golden template in the shared server, or
// under Clone thin a copy-on-write copy of the golden cluster run by a
// PostgreSQL of its own. With Golden set it is the golden itself, loaded
// from its source and anonymised: a template closed to connections, or a
// stopped cluster.
type Database struct{}

// DatabaseArgs are a Database's inputs.
type DatabaseArgs struct {
	AdminURL     string `pulumi:"adminUrl" provider:"secret"`
	Name         string `pulumi:"name"`
	Role         string `pulumi:"role,optional"`
	Template     string `pulumi:"template,optional"`
	ObjectsOwner string `pulumi:"objectsOwner"`
	Golden       bool   `pulumi:"golden,optional"`
	// Source is the golden's origin: a SQL file, or the postgres:// URL of
	// a "production" database to copy.
	Source      string `pulumi:"source,optional"`
	WaitSeconds int    `pulumi:"waitSeconds,optional"`
	// Migrations is a directory of <version>_<name>.up.sql files applied
	// after the clone; MigrationsRevision fingerprints them, so a new or
	// edited migration makes a fresh clone.
	Migrations         string `pulumi:"migrations,optional"`
	MigrationsRevision string `pulumi:"migrationsRevision,optional"`
	// Migrate, when set, is the blueprint's own migration command, run in
	// Dir with DATABASE_URL set to the clone; Migrations then only
	// fingerprints the files.
	Migrate string `pulumi:"migrate,optional"`
	Dir     string `pulumi:"dir,optional"`
	// Anonymize is the blueprint's anonymisation (AnonymizationOf): the
	// golden is anonymised whole, and a clone in the tables its applied
	// migrations touch. Salt keys it.
	Anonymize string `pulumi:"anonymize,optional"`
	Salt      string `pulumi:"salt,optional" provider:"secret"`
	// Clone is "thin" for a copy-on-write clone with a PostgreSQL of its
	// own (AdminURL unused); "" clones the template in the shared server.
	Clone string `pulumi:"clone,optional"`
	// ClusterDir is, under Clone thin, the directory of this database's
	// own cluster, or of the golden cluster for the golden; GoldenDir is
	// the golden cluster a clone copies.
	ClusterDir string `pulumi:"clusterDir,optional"`
	GoldenDir  string `pulumi:"goldenDir,optional"`
	// SharedBuffers and MaxConnections size a thin clone's PostgreSQL; a
	// change restarts it, keeping its data.
	SharedBuffers  string `pulumi:"sharedBuffers,optional"`
	MaxConnections int    `pulumi:"maxConnections,optional"`
}

// DatabaseState is a Database's recorded state.
type DatabaseState struct {
	DatabaseArgs
	URL     string   `pulumi:"url" provider:"secret"`
	Applied []string `pulumi:"applied,optional"` // migrations applied after the clone
	// PID is a thin clone's postmaster, as last seen; 0 when it had
	// stopped, which refresh reports and up repairs.
	PID int `pulumi:"pid,optional"`
}

// thin reports whether the database is a thin clone, or the golden
// cluster thin clones copy.
func (in DatabaseArgs) thin() bool { return in.Clone == string(stacks.CloneThin) }

// Annotate documents the resource.
func (*Database) Annotate(a infer.Annotator) {
	a.Describe(&Database{}, "A PostgreSQL database cloned from the golden template for one environment.")
}

// Create implements infer.CustomCreate.
func (*Database) Create(ctx context.Context, req infer.CreateRequest[DatabaseArgs]) (infer.CreateResponse[DatabaseState], error) {
	in := req.Inputs
	state := DatabaseState{DatabaseArgs: in}
	if req.DryRun {
		return infer.CreateResponse[DatabaseState]{ID: in.Name, Output: state}, nil
	}
	if in.thin() {
		var err error
		if in.Golden {
			err = createThinGolden(ctx, in, nil)
		} else {
			state, err = createThinClone(ctx, in)
		}
		return infer.CreateResponse[DatabaseState]{ID: in.Name, Output: state}, err
	}
	admin, err := pg.Connect(ctx, in.AdminURL)
	if err != nil {
		return infer.CreateResponse[DatabaseState]{}, err
	}
	defer admin.Close(context.Background())
	if in.Golden {
		err = createGolden(ctx, admin, in)
	} else {
		state.URL, state.Applied, err = createClone(ctx, admin, in)
	}
	if err != nil {
		return infer.CreateResponse[DatabaseState]{}, err
	}
	return infer.CreateResponse[DatabaseState]{ID: in.Name, Output: state}, nil
}

func createGolden(ctx context.Context, admin *pg.Admin, in DatabaseArgs) error {
	if err := loadGolden(ctx, admin, in); err != nil {
		return err
	}
	return admin.MakeTemplate(ctx, in.Name)
}

// loadGolden builds database in.Name from the golden source and
// anonymises it whole; on failure it leaves no database behind.
func loadGolden(ctx context.Context, admin *pg.Admin, in DatabaseArgs) error {
	if err := loadSource(ctx, admin, in); err != nil {
		return err
	}
	if err := anonymizeDatabase(ctx, in.AdminURL, in.Name, in.Anonymize, []byte(in.Salt), nil, io.Discard); err != nil {
		_ = admin.DropDatabase(context.Background(), in.Name)
		return err
	}
	return nil
}

// loadSource builds database in.Name from the golden source, raw; on
// failure it leaves no database behind. Only verification reads it raw.
func loadSource(ctx context.Context, admin *pg.Admin, in DatabaseArgs) error {
	fromURL := IsDatabaseURL(in.Source)
	var sql []byte
	if !fromURL {
		var err error
		if sql, err = os.ReadFile(in.Source); err != nil {
			return fmt.Errorf("read the golden source: %w: set database.golden to a SQL file or a postgres:// URL", err)
		}
	}
	if err := admin.EnsureGroup(ctx, in.ObjectsOwner); err != nil {
		return err
	}
	if err := admin.DropDatabase(ctx, in.Name); err != nil { // a half-built golden from a killed run
		return err
	}
	owner := pg.AdminUser // a golden's; an environment's database is its role's
	if in.Role != "" {
		owner = in.Role
	}
	if err := admin.CreateDatabase(ctx, in.Name, owner); err != nil {
		return err
	}
	load := func() error { return admin.Load(ctx, in.Name, in.ObjectsOwner, string(sql)) }
	if fromURL {
		load = func() error { return admin.Restore(ctx, in.Source, in.Name, in.ObjectsOwner) }
	}
	if err := load(); err != nil {
		_ = admin.DropDatabase(context.Background(), in.Name)
		return fmt.Errorf("build the golden database: %w", err)
	}
	return nil
}

func createClone(ctx context.Context, admin *pg.Admin, in DatabaseArgs) (string, []string, error) {
	// Without a template, no baseline built a golden to clone (a
	// self-contained environment's database): it is built as a golden is.
	built := in.Template == ""
	if built && in.Source == "" {
		return "", nil, fmt.Errorf("database %s has neither a golden to clone nor a golden source to build from", in.Name)
	}
	if !built {
		if ok, err := admin.DatabaseExists(ctx, in.Template); err != nil {
			return "", nil, err
		} else if !ok {
			return "", nil, fmt.Errorf("the golden database %s does not exist yet: bring the baseline up first (prenv up --env baseline)", in.Template)
		}
	}
	password := secret()
	if err := admin.EnsureRole(ctx, in.Role, password); err != nil {
		return "", nil, err
	}
	if built {
		if err := loadGolden(ctx, admin, in); err != nil {
			return "", nil, err
		}
	} else {
		// A killed run may have left the clone half-made: start again.
		if err := admin.DropDatabase(ctx, in.Name); err != nil {
			return "", nil, err
		}
		wait := time.Duration(max(in.WaitSeconds, 30)) * time.Second
		if err := admin.Clone(ctx, in.Template, in.Name, in.Role, wait); err != nil {
			return "", nil, err
		}
	}
	return finishClone(ctx, admin, in, password, func() { _ = admin.DropDatabase(context.Background(), in.Name) })
}

// finishClone hands a fresh clone's objects to its role and applies the
// PR's migrations, anonymising what they touched, through admin, a
// superuser connection to in.AdminURL's server. On failure discard
// removes the clone: nobody may connect to a half-anonymised one.
func finishClone(ctx context.Context, admin *pg.Admin, in DatabaseArgs, password string, discard func()) (string, []string, error) {
	if err := admin.Adopt(ctx, in.Name, in.ObjectsOwner, in.Role); err != nil {
		discard()
		return "", nil, err
	}
	var applied []string
	if in.Migrate != "" {
		return migrateByCommand(ctx, in, password, discard)
	}
	if in.Migrations != "" {
		var err error
		start := time.Now()
		if applied, err = admin.Migrate(ctx, in.Name, in.Role, in.Migrations); err != nil {
			discard()
			return "", nil, err
		}
		// The PR's migrations may copy or create personal data: anonymise
		// what they touched before anyone can connect as the role.
		if len(applied) > 0 {
			migrated := time.Now()
			if err := anonymizeDatabase(ctx, in.AdminURL, in.Name, in.Anonymize, []byte(in.Salt), migrationPaths(in.Migrations, applied), io.Discard); err != nil {
				discard()
				return "", nil, err
			}
			p.GetLogger(ctx).Infof("migrations %v took %s, and anonymising what they wrote %s",
				applied, migrated.Sub(start).Round(100*time.Millisecond), time.Since(migrated).Round(100*time.Millisecond))
		}
	}
	url, err := pg.DatabaseURL(in.AdminURL, in.Name, in.Role, password)
	return url, applied, err
}

// Read implements infer.CustomRead: a dropped database or role is drift,
// reported as the resource being gone so the next up recreates it.
func (*Database) Read(ctx context.Context, req infer.ReadRequest[DatabaseArgs, DatabaseState]) (infer.ReadResponse[DatabaseArgs, DatabaseState], error) {
	if req.State.thin() {
		return readThin(req)
	}
	admin, err := pg.Connect(ctx, req.State.AdminURL)
	if err != nil {
		return infer.ReadResponse[DatabaseArgs, DatabaseState]{}, err
	}
	defer admin.Close(context.Background())
	ok, err := admin.DatabaseExists(ctx, req.State.Name)
	if err == nil && ok && !req.State.Golden {
		ok, err = admin.RoleExists(ctx, req.State.Role)
	}
	if err != nil || !ok {
		return infer.ReadResponse[DatabaseArgs, DatabaseState]{}, err
	}
	return infer.ReadResponse[DatabaseArgs, DatabaseState]{ID: req.ID, Inputs: req.Inputs, State: req.State}, nil
}

// Delete implements infer.CustomDelete: it ends open sessions, drops the
// database and drops the role.
func (*Database) Delete(ctx context.Context, req infer.DeleteRequest[DatabaseState]) (infer.DeleteResponse, error) {
	if req.State.thin() {
		return infer.DeleteResponse{}, deleteThin(ctx, req.State.DatabaseArgs)
	}
	admin, err := pg.Connect(ctx, req.State.AdminURL)
	if err != nil {
		return infer.DeleteResponse{}, err
	}
	defer admin.Close(context.Background())
	if err := admin.DropDatabase(ctx, req.State.Name); err != nil {
		return infer.DeleteResponse{}, err
	}
	if req.State.Role != "" {
		return infer.DeleteResponse{}, admin.DropRole(ctx, req.State.Role)
	}
	return infer.DeleteResponse{}, nil
}

func secret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// IsDatabaseURL reports whether a golden source names a database server
// rather than a SQL file.
func IsDatabaseURL(source string) bool {
	return strings.HasPrefix(source, "postgres://") || strings.HasPrefix(source, "postgresql://")
}

// migrateByCommand runs the blueprint's migration command on the new
// clone as its role, then anonymises every ruled table: which tables the
// command touched is unknown. A failure discards the clone.
func migrateByCommand(ctx context.Context, in DatabaseArgs, password string, discard func()) (string, []string, error) {
	url, err := pg.DatabaseURL(in.AdminURL, in.Name, in.Role, password)
	if err != nil {
		discard()
		return "", nil, err
	}
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", in.Migrate)
	cmd.Dir = in.Dir
	cmd.Env = append(inheritedEnv(), "DATABASE_URL="+url)
	if out, err := cmd.CombinedOutput(); err != nil {
		discard()
		return "", nil, fmt.Errorf("database.migrate failed (%v): %s", err, lastLines(string(out), 5))
	}
	p.GetLogger(ctx).Warning("anonymize: database.migrate is a command prenv cannot see into, so every ruled column is anonymised")
	if err := anonymizeDatabase(ctx, in.AdminURL, in.Name, in.Anonymize, []byte(in.Salt), nil, io.Discard); err != nil {
		discard()
		return "", nil, err
	}
	return url, []string{"database.migrate"}, nil
}

// lastLines is the end of a command's output, for an error.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
